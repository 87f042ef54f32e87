// The fused training step for dense stacks, in AssemblyScript (compiled by esbuild.mjs to
// dist/fused.wasm). One call runs whole batches: gather rows, forward, loss, backward,
// regularisation, clipping and the optimizer update, with no per-op dispatch. The JS side
// (../fused.ts) lays every buffer out in linear memory and writes a plan: i32 header words, f64
// hyper-parameters and one 128-byte record per layer. Formulas mirror the tfjs ops (and their
// gradients) that the tfjs path runs, so both paths agree to float rounding.

// Header words (i32 index into the plan).
const H_LAYERS: i32 = 0;
const H_LAYER_PTR: i32 = 1;
const H_X: i32 = 2;
const H_Y: i32 = 3;
const H_XW: i32 = 4;
const H_YW: i32 = 5;
const H_ORDER: i32 = 6;
const H_XB: i32 = 7;
const H_YB: i32 = 8;
const H_LOSS: i32 = 9;
const H_OPT: i32 = 10;
const H_FLAG: i32 = 11; // nesterov (momentum) or centered (rmsprop)
const H_CLIP: i32 = 12; // bit 1: by value, bit 2: by norm
const H_METRICS: i32 = 13; // count
const H_METRIC_PTR: i32 = 14;
const H_ENCODING: i32 = 15;
const H_SUMS: i32 = 16; // f64[1 + metrics]
// f64 hyper-parameters start at byte 128 of the plan.
const F_LR: i32 = 0;
const F_B1: i32 = 1;
const F_B2: i32 = 2;
const F_EPS: i32 = 3;
const F_MOMENTUM: i32 = 4;
const F_RHO: i32 = 5;
const F_HUBER: i32 = 6;
const F_CLIP_VALUE: i32 = 7;
const F_CLIP_NORM: i32 = 8;
const F_T: i32 = 9; // optimizer step count
const F_PART: i32 = 10; // this plan's share of the batch loss (threaded steps)
const F_PEN: i32 = 16; // F_PEN + p: update part p's penalty value (threaded steps; up to 32 parts)

// Layer record words.
const L_KIND: i32 = 0; // 0 dense, 1 dropout, 2 activation
const L_IN: i32 = 1;
const L_OUT: i32 = 2;
const L_ACT: i32 = 3;
const L_X: i32 = 4; // input activations (batch × in)
const L_A: i32 = 5; // output activations (batch × out)
const L_Z: i32 = 6; // pre-activation (batch × out); == L_A for linear
const L_DA: i32 = 7; // gradient w.r.t. the output (batch × out)
const L_DX: i32 = 8; // gradient w.r.t. the input, 0 for the first layer
const L_W: i32 = 9;
const L_B: i32 = 10; // 0 without bias
const L_GW: i32 = 11;
const L_GB: i32 = 12;
const L_SW: i32 = 13; // 3 slots
const L_SB: i32 = 16; // 3 slots
const L_MASK: i32 = 19;
const L_WT: i32 = 20;
const L_L1K: i32 = 24; // f32
const L_L2K: i32 = 25;
const L_L1B: i32 = 26;
const L_L2B: i32 = 27;
const L_ALPHA: i32 = 28;

// Activations.
const A_LINEAR: i32 = 0;
const A_RELU: i32 = 1;
const A_SIGMOID: i32 = 2;
const A_TANH: i32 = 3;
const A_SOFTMAX: i32 = 4;
const A_ELU: i32 = 5;
const A_SELU: i32 = 6;
const A_RELU6: i32 = 7;
const A_LEAKY: i32 = 8;
const A_SOFTPLUS: i32 = 9;
const A_SOFTSIGN: i32 = 10;

// Losses.
const LOSS_MSE: i32 = 0;
const LOSS_MAE: i32 = 1;
const LOSS_HUBER: i32 = 2;
const LOSS_BCE: i32 = 3;
const LOSS_CCE: i32 = 4;
const LOSS_SCCE: i32 = 5;

// Optimizers.
const O_SGD: i32 = 0;
const O_MOMENTUM: i32 = 1;
const O_ADAM: i32 = 2;
const O_ADAMAX: i32 = 3;
const O_RMSPROP: i32 = 4;
const O_ADAGRAD: i32 = 5;

// Metrics and label encodings.
const M_ACCURACY: i32 = 0;
const M_MAE: i32 = 1;
const M_MSE: i32 = 2;
const E_VALUE: i32 = 0;
const E_BINARY: i32 = 1;
const E_HINGE: i32 = 2;
const E_ONEHOT: i32 = 3;
const E_INDEX: i32 = 4;

const EPS: f32 = 1e-7;
const SELU_SCALE: f32 = 1.0507009873554804934193349852946;
const SELU_SCALEALPHA: f32 = 1.7580993408473768599402175208123;

function hi(plan: usize, w: i32): i32 {
	return load<i32>(plan + ((<usize>w) << 2));
}
function hf(plan: usize, w: i32): f64 {
	return load<f64>(plan + 128 + ((<usize>w) << 3));
}
function li(rec: usize, w: i32): i32 {
	return load<i32>(rec + ((<usize>w) << 2));
}
function lp(rec: usize, w: i32): usize {
	return <usize>load<i32>(rec + ((<usize>w) << 2));
}
function lf(rec: usize, w: i32): f32 {
	return load<f32>(rec + ((<usize>w) << 2));
}
function at(p: usize, i: i32): usize {
	return p + ((<usize>i) << 2);
}

/**
 * C[M×N] = init + Σ_k A(m,k)·B[k,:], with A(m,k) at A[m·sam + k·sak] and B row-major (K×N).
 * init is the bias row when `bias` ≠ 0, else zero. 4 rows × 8 columns per register block.
 */
function gemm(M: i32, N: i32, K: i32, A: usize, sam: i32, sak: i32, B: usize, C: usize, bias: usize): void {
	let m = 0;
	for (; m + 4 <= M; m += 4) {
		const a0 = A + ((<usize>(m * sam)) << 2);
		const a1 = A + ((<usize>((m + 1) * sam)) << 2);
		const a2 = A + ((<usize>((m + 2) * sam)) << 2);
		const a3 = A + ((<usize>((m + 3) * sam)) << 2);
		const c0 = C + ((<usize>(m * N)) << 2);
		const c1 = c0 + ((<usize>N) << 2);
		const c2 = c1 + ((<usize>N) << 2);
		const c3 = c2 + ((<usize>N) << 2);
		let j = 0;
		for (; j + 8 <= N; j += 8) {
			const jo = (<usize>j) << 2;
			let x0 = f32x4.splat(0);
			let y0 = f32x4.splat(0);
			if (bias) {
				x0 = v128.load(bias + jo);
				y0 = v128.load(bias + jo + 16);
			}
			let x1 = x0,
				x2 = x0,
				x3 = x0,
				y1 = y0,
				y2 = y0,
				y3 = y0;
			let bp = B + jo;
			let ko: usize = 0;
			const ks = (<usize>sak) << 2;
			const bs = (<usize>N) << 2;
			for (let k = 0; k < K; k++) {
				const b0 = v128.load(bp);
				const b1 = v128.load(bp + 16);
				const s0 = f32x4.splat(load<f32>(a0 + ko));
				const s1 = f32x4.splat(load<f32>(a1 + ko));
				const s2 = f32x4.splat(load<f32>(a2 + ko));
				const s3 = f32x4.splat(load<f32>(a3 + ko));
				x0 = f32x4.add(x0, f32x4.mul(s0, b0));
				y0 = f32x4.add(y0, f32x4.mul(s0, b1));
				x1 = f32x4.add(x1, f32x4.mul(s1, b0));
				y1 = f32x4.add(y1, f32x4.mul(s1, b1));
				x2 = f32x4.add(x2, f32x4.mul(s2, b0));
				y2 = f32x4.add(y2, f32x4.mul(s2, b1));
				x3 = f32x4.add(x3, f32x4.mul(s3, b0));
				y3 = f32x4.add(y3, f32x4.mul(s3, b1));
				bp += bs;
				ko += ks;
			}
			v128.store(c0 + jo, x0);
			v128.store(c0 + jo + 16, y0);
			v128.store(c1 + jo, x1);
			v128.store(c1 + jo + 16, y1);
			v128.store(c2 + jo, x2);
			v128.store(c2 + jo + 16, y2);
			v128.store(c3 + jo, x3);
			v128.store(c3 + jo + 16, y3);
		}
		for (; j + 4 <= N; j += 4) {
			const jo = (<usize>j) << 2;
			let x0 = bias ? v128.load(bias + jo) : f32x4.splat(0);
			let x1 = x0,
				x2 = x0,
				x3 = x0;
			for (let k = 0; k < K; k++) {
				const ko = (<usize>(k * sak)) << 2;
				const b0 = v128.load(B + ((<usize>(k * N)) << 2) + jo);
				x0 = f32x4.add(x0, f32x4.mul(f32x4.splat(load<f32>(a0 + ko)), b0));
				x1 = f32x4.add(x1, f32x4.mul(f32x4.splat(load<f32>(a1 + ko)), b0));
				x2 = f32x4.add(x2, f32x4.mul(f32x4.splat(load<f32>(a2 + ko)), b0));
				x3 = f32x4.add(x3, f32x4.mul(f32x4.splat(load<f32>(a3 + ko)), b0));
			}
			v128.store(c0 + jo, x0);
			v128.store(c1 + jo, x1);
			v128.store(c2 + jo, x2);
			v128.store(c3 + jo, x3);
		}
		for (; j < N; j++) {
			const jo = (<usize>j) << 2;
			let x0: f32 = bias ? load<f32>(bias + jo) : 0;
			let x1 = x0,
				x2 = x0,
				x3 = x0;
			for (let k = 0; k < K; k++) {
				const ko = (<usize>(k * sak)) << 2;
				const b = load<f32>(B + ((<usize>(k * N)) << 2) + jo);
				x0 += load<f32>(a0 + ko) * b;
				x1 += load<f32>(a1 + ko) * b;
				x2 += load<f32>(a2 + ko) * b;
				x3 += load<f32>(a3 + ko) * b;
			}
			store<f32>(c0 + jo, x0);
			store<f32>(c1 + jo, x1);
			store<f32>(c2 + jo, x2);
			store<f32>(c3 + jo, x3);
		}
	}
	for (; m < M; m++) {
		const a0 = A + ((<usize>(m * sam)) << 2);
		const c0 = C + ((<usize>(m * N)) << 2);
		let j = 0;
		for (; j + 8 <= N; j += 8) {
			const jo = (<usize>j) << 2;
			let x0 = bias ? v128.load(bias + jo) : f32x4.splat(0);
			let y0 = bias ? v128.load(bias + jo + 16) : f32x4.splat(0);
			for (let k = 0; k < K; k++) {
				const bp = B + ((<usize>(k * N)) << 2) + jo;
				const s0 = f32x4.splat(load<f32>(a0 + ((<usize>(k * sak)) << 2)));
				x0 = f32x4.add(x0, f32x4.mul(s0, v128.load(bp)));
				y0 = f32x4.add(y0, f32x4.mul(s0, v128.load(bp + 16)));
			}
			v128.store(c0 + jo, x0);
			v128.store(c0 + jo + 16, y0);
		}
		for (; j < N; j++) {
			const jo = (<usize>j) << 2;
			let x0: f32 = bias ? load<f32>(bias + jo) : 0;
			for (let k = 0; k < K; k++) x0 += load<f32>(a0 + ((<usize>(k * sak)) << 2)) * load<f32>(B + ((<usize>(k * N)) << 2) + jo);
			store<f32>(c0 + jo, x0);
		}
	}
}

function activate(act: i32, Z: usize, A: usize, n: i32, w: i32, alpha: f32): void {
	const len = n * w;
	if (act == A_SOFTMAX) {
		for (let r = 0; r < n; r++) {
			const z = at(Z, r * w);
			const a = at(A, r * w);
			let mx = load<f32>(z);
			for (let j = 1; j < w; j++) mx = max<f32>(mx, load<f32>(at(z, j)));
			let s: f32 = 0;
			for (let j = 0; j < w; j++) {
				const e = Mathf.exp(load<f32>(at(z, j)) - mx);
				store<f32>(at(a, j), e);
				s += e;
			}
			for (let j = 0; j < w; j++) store<f32>(at(a, j), load<f32>(at(a, j)) / s);
		}
		return;
	}
	let i0 = 0;
	if (act == A_RELU) {
		// x > 0 ? x : 0, four lanes at a time (NaN → 0 as in the scalar form).
		const zero = f32x4.splat(0);
		for (; i0 + 4 <= len; i0 += 4) {
			const x = v128.load(at(Z, i0));
			v128.store(at(A, i0), v128.and(x, f32x4.gt(x, zero)));
		}
	}
	for (let i = i0; i < len; i++) {
		const x = load<f32>(at(Z, i));
		let y: f32 = x;
		if (act == A_RELU) y = x > 0 ? x : 0;
		else if (act == A_SIGMOID) y = 1 / (1 + Mathf.exp(-x));
		else if (act == A_TANH) y = Mathf.tanh(x);
		else if (act == A_ELU) y = x >= 0 ? x : Mathf.exp(x) - 1;
		else if (act == A_SELU) y = x > 0 ? SELU_SCALE * x : SELU_SCALEALPHA * (Mathf.exp(x) - 1);
		else if (act == A_RELU6) y = min<f32>(max<f32>(x, 0), 6);
		else if (act == A_LEAKY) y = x < 0 ? alpha * x : x;
		else if (act == A_SOFTPLUS) {
			// tfjs's thresholds: exp(x) below log(ε)+2, x above its negation.
			const th: f32 = -13.942385152878742;
			y = x < th ? Mathf.exp(x) : x > -th ? x : Mathf.log(1 + Mathf.exp(x));
		} else if (act == A_SOFTSIGN) y = x / (1 + abs<f32>(x));
		store<f32>(at(A, i), y);
	}
}

/** dst = dA ∘ act′ (dst may alias dA); softmax row by row. */
function activateBack(act: i32, Z: usize, A: usize, dA: usize, dst: usize, n: i32, w: i32, alpha: f32): void {
	const len = n * w;
	if (act == A_SOFTMAX) {
		for (let r = 0; r < n; r++) {
			const a = at(A, r * w);
			const d = at(dA, r * w);
			const o = at(dst, r * w);
			let s: f32 = 0;
			for (let j = 0; j < w; j++) s += load<f32>(at(d, j)) * load<f32>(at(a, j));
			for (let j = 0; j < w; j++) {
				const y = load<f32>(at(a, j));
				store<f32>(at(o, j), load<f32>(at(d, j)) * y - s * y);
			}
		}
		return;
	}
	if (act == A_LINEAR) {
		if (dst != dA) memory.copy(dst, dA, (<usize>len) << 2);
		return;
	}
	let i0 = 0;
	if (act == A_RELU) {
		const zero = f32x4.splat(0);
		for (; i0 + 4 <= len; i0 += 4) v128.store(at(dst, i0), v128.and(v128.load(at(dA, i0)), f32x4.gt(v128.load(at(Z, i0)), zero)));
	}
	for (let i = i0; i < len; i++) {
		const g = load<f32>(at(dA, i));
		const x = load<f32>(at(Z, i));
		const y = load<f32>(at(A, i));
		let r: f32 = g;
		if (act == A_RELU) r = x > 0 ? g : 0;
		else if (act == A_SIGMOID) r = g * (y * (1 - y));
		else if (act == A_TANH) r = (1 - y * y) * g;
		else if (act == A_ELU) r = y >= 0 ? g : g * (y + 1);
		else if (act == A_SELU) r = x > 0 ? g * SELU_SCALE : g * (SELU_SCALEALPHA * Mathf.exp(x));
		else if (act == A_RELU6) r = x > 0 && x <= 6 ? g : 0;
		else if (act == A_LEAKY) r = x > 0 ? g : g * alpha;
		else if (act == A_SOFTPLUS) r = g * (1 / (1 + Mathf.exp(-x)));
		else if (act == A_SOFTSIGN) {
			const d: f32 = 1 + abs<f32>(x);
			r = g / (d * d);
		}
		store<f32>(at(dst, i), r);
	}
}

/**
 * Writes dL/dp into dP for n rows of a batch of `total` rows and returns their share of the batch's
 * mean loss (before regularisation): Σ over these rows / total.
 */
function loss(kind: i32, P: usize, Y: usize, dP: usize, n: i32, total: i32, k: i32, yw: i32, huber: f32): f64 {
	let sum: f64 = 0;
	if (kind == LOSS_CCE || kind == LOSS_SCCE) {
		const inv: f32 = <f32>1 / <f32>total;
		for (let r = 0; r < n; r++) {
			const cls = kind == LOSS_SCCE ? <i32>load<f32>(at(Y, r * yw)) : -1;
			for (let j = 0; j < k; j++) {
				const p = load<f32>(at(P, r * k + j));
				const y: f32 = kind == LOSS_SCCE ? (j == cls ? 1 : 0) : load<f32>(at(Y, r * k + j));
				const c = min<f32>(max<f32>(p, EPS), 1 - EPS);
				sum += <f64>(y * Mathf.log(c));
				const inside = p >= EPS && p <= 1 - EPS;
				store<f32>(at(dP, r * k + j), inside ? (-y / c) * inv : 0);
			}
		}
		return -sum / <f64>total;
	}
	const N = n * k;
	const D = total * k;
	const inv: f32 = <f32>1 / <f32>D;
	for (let i = 0; i < N; i++) {
		const p = load<f32>(at(P, i));
		const y = load<f32>(at(Y, i));
		const e = y - p;
		let g: f32 = 0;
		if (kind == LOSS_MSE) {
			sum += <f64>(e * e);
			g = -(e * 2);
		} else if (kind == LOSS_MAE) {
			sum += <f64>abs<f32>(e);
			g = e > 0 ? -1 : 1;
		} else if (kind == LOSS_HUBER) {
			const r = abs<f32>(e);
			const q = min<f32>(r, huber);
			sum += <f64>(0.5 * q * q + huber * (r - q));
			const dr: f32 = r <= huber ? q : huber;
			g = e > 0 ? -dr : dr;
		} else if (kind == LOSS_BCE) {
			const c = min<f32>(max<f32>(p, EPS), 1 - EPS);
			sum += <f64>(y * Mathf.log(c) + (1 - y) * Mathf.log(1 - c));
			const inside = p >= EPS && p <= 1 - EPS;
			g = inside ? -(y / c - (1 - y) / (1 - c)) : 0;
		}
		store<f32>(at(dP, i), g * inv);
	}
	return kind == LOSS_BCE ? -sum / <f64>D : sum / <f64>D;
}

function argmax(p: usize, w: i32): i32 {
	let best = 0;
	let v = load<f32>(p);
	for (let j = 1; j < w; j++) {
		const x = load<f32>(at(p, j));
		if (x > v) {
			v = x;
			best = j;
		}
	}
	return best;
}

function metric(kind: i32, enc: i32, P: usize, Y: usize, n: i32, k: i32, yw: i32): f64 {
	let s: f64 = 0;
	for (let r = 0; r < n; r++) {
		const p = at(P, r * k);
		const y = at(Y, r * yw);
		if (kind == M_ACCURACY) {
			if (enc == E_ONEHOT) s += argmax(p, k) == argmax(y, k) ? 1 : 0;
			else if (enc == E_INDEX) s += <f32>argmax(p, k) == load<f32>(y) ? 1 : 0;
			else
				for (let j = 0; j < k; j++) {
					const pv = load<f32>(at(p, j));
					const yv = load<f32>(at(y, j));
					let hit = false;
					if (enc == E_BINARY) hit = pv >= 0.5 == yv >= 0.5;
					else if (enc == E_HINGE) hit = pv >= 0 == yv >= 0;
					else hit = nearest<f32>(pv) == nearest<f32>(yv);
					s += hit ? 1 : 0;
				}
		} else {
			let t: f32 = 0;
			for (let j = 0; j < k; j++) {
				const e = load<f32>(at(y, j)) - load<f32>(at(p, j));
				t += kind == M_MAE ? abs<f32>(e) : e * e;
			}
			s += <f64>(t / <f32>k);
		}
	}
	return s;
}

/** L1/L2 penalty value of one tensor; adds its gradient to g. tfjs's abs gradient is −1 at 0. */
function penalty(p: usize, g: usize, len: i32, l1: f32, l2: f32): f64 {
	if (l1 == 0 && l2 == 0) return 0;
	let s1: f32 = 0;
	let s2: f32 = 0;
	for (let i = 0; i < len; i++) {
		const x = load<f32>(at(p, i));
		s1 += abs<f32>(x);
		s2 += x * x;
		store<f32>(at(g, i), load<f32>(at(g, i)) + (l1 * (x > 0 ? <f32>1 : <f32>-1) + x * 2 * l2));
	}
	let v: f64 = 0;
	if (l1 != 0) v += <f64>(l1 * s1);
	if (l2 != 0) v += <f64>(l2 * s2);
	return v;
}

function clip(plan: usize, g: usize, len: i32): void {
	const mode = hi(plan, H_CLIP);
	if (mode & 1) {
		const c = <f32>hf(plan, F_CLIP_VALUE);
		for (let i = 0; i < len; i++) store<f32>(at(g, i), min<f32>(max<f32>(load<f32>(at(g, i)), -c), c));
	}
	if (mode & 2) {
		const c = <f32>hf(plan, F_CLIP_NORM);
		let s: f32 = 0;
		for (let i = 0; i < len; i++) {
			const x = load<f32>(at(g, i));
			s += x * x;
		}
		const f: f32 = c / max<f32>(Mathf.sqrt(s), c);
		for (let i = 0; i < len; i++) store<f32>(at(g, i), load<f32>(at(g, i)) * f);
	}
}

function update(plan: usize, x: usize, g: usize, s0: usize, s1: usize, s2: usize, len: i32): void {
	const opt = hi(plan, H_OPT);
	const lr = hf(plan, F_LR);
	if (opt == O_SGD) {
		const c = <f32>-lr;
		for (let i = 0; i < len; i++) store<f32>(at(x, i), c * load<f32>(at(g, i)) + load<f32>(at(x, i)));
	} else if (opt == O_MOMENTUM) {
		const c = <f32>-lr;
		const m = <f32>hf(plan, F_MOMENTUM);
		const nesterov = hi(plan, H_FLAG) != 0;
		for (let i = 0; i < len; i++) {
			const gi = load<f32>(at(g, i));
			const acc = m * load<f32>(at(s0, i)) + gi;
			store<f32>(at(s0, i), acc);
			const d = nesterov ? c * (gi + acc * m) : c * acc;
			store<f32>(at(x, i), d + load<f32>(at(x, i)));
		}
	} else if (opt == O_ADAM || opt == O_ADAMAX) {
		const b1 = hf(plan, F_B1);
		const b2 = hf(plan, F_B2);
		const t = hf(plan, F_T);
		const c1 = 1 - Math.pow(b1, t);
		const c2 = 1 - Math.pow(b2, t);
		const step = <f32>(-lr / c1);
		const inv2 = <f32>(1 / c2);
		const fb1 = <f32>b1;
		const nb1 = <f32>(1 - b1);
		const fb2 = <f32>b2;
		const nb2 = <f32>(1 - b2);
		const eps = <f32>hf(plan, F_EPS);
		let i0 = 0;
		if (opt == O_ADAM) {
			// Four lanes at a time, the same IEEE operations in the same order as the scalar tail.
			const vb1 = f32x4.splat(fb1);
			const vnb1 = f32x4.splat(nb1);
			const vb2 = f32x4.splat(fb2);
			const vnb2 = f32x4.splat(nb2);
			const vinv2 = f32x4.splat(inv2);
			const veps = f32x4.splat(eps);
			const vstep = f32x4.splat(step);
			for (; i0 + 4 <= len; i0 += 4) {
				const gi = v128.load(at(g, i0));
				const m = f32x4.add(f32x4.mul(v128.load(at(s0, i0)), vb1), f32x4.mul(gi, vnb1));
				const v = f32x4.add(f32x4.mul(v128.load(at(s1, i0)), vb2), f32x4.mul(f32x4.mul(gi, gi), vnb2));
				v128.store(at(s0, i0), m);
				v128.store(at(s1, i0), v);
				const d = f32x4.div(m, f32x4.add(f32x4.sqrt(f32x4.mul(v, vinv2)), veps));
				v128.store(at(x, i0), f32x4.add(v128.load(at(x, i0)), f32x4.mul(d, vstep)));
			}
		}
		if (opt == O_ADAM)
			for (let i = i0; i < len; i++) {
				const gi = load<f32>(at(g, i));
				const m = load<f32>(at(s0, i)) * fb1 + gi * nb1;
				const v = load<f32>(at(s1, i)) * fb2 + gi * gi * nb2;
				store<f32>(at(s0, i), m);
				store<f32>(at(s1, i), v);
				store<f32>(at(x, i), load<f32>(at(x, i)) + (m / (Mathf.sqrt(v * inv2) + eps)) * step);
			}
		else
			for (let i = 0; i < len; i++) {
				const gi = load<f32>(at(g, i));
				const m = load<f32>(at(s0, i)) * fb1 + gi * nb1;
				const u = max<f32>(load<f32>(at(s1, i)) * fb2, abs<f32>(gi));
				store<f32>(at(s0, i), m);
				store<f32>(at(s1, i), u);
				store<f32>(at(x, i), load<f32>(at(x, i)) + (m / (u + eps)) * step);
			}
	} else if (opt == O_RMSPROP) {
		const rho = hf(plan, F_RHO);
		const decay = <f32>rho;
		const nd = <f32>(1 - rho);
		const flr = <f32>lr;
		const mom = <f32>hf(plan, F_MOMENTUM);
		const eps = <f32>hf(plan, F_EPS);
		const centered = hi(plan, H_FLAG) != 0;
		for (let i = 0; i < len; i++) {
			const gi = load<f32>(at(g, i));
			const ms = load<f32>(at(s0, i)) * decay + gi * gi * nd;
			store<f32>(at(s0, i), ms);
			let contrib: f32;
			if (centered) {
				const mg = load<f32>(at(s2, i)) * decay + gi * nd;
				store<f32>(at(s2, i), mg);
				contrib = (gi * flr) / Mathf.sqrt(ms - (mg * mg + eps));
			} else contrib = (gi * flr) / Mathf.sqrt(ms + eps);
			const mo = load<f32>(at(s1, i)) * mom + contrib;
			store<f32>(at(s1, i), mo);
			store<f32>(at(x, i), load<f32>(at(x, i)) - mo);
		}
	} else if (opt == O_ADAGRAD) {
		const c = <f32>-lr;
		for (let i = 0; i < len; i++) {
			const gi = load<f32>(at(g, i));
			const acc = load<f32>(at(s0, i)) + gi * gi;
			store<f32>(at(s0, i), acc);
			store<f32>(at(x, i), (gi / Mathf.sqrt(acc + EPS)) * c + load<f32>(at(x, i)));
		}
	}
}

/**
 * Forward and backward over rows order[start .. start+n), which are rows r0 .. r0+n of a batch of
 * `total` rows (the whole batch when single-threaded): gradients (means over the batch) into this
 * plan's GW/GB, metrics into its sums. Returns these rows' share of the batch loss.
 */
function gradient(plan: usize, start: i32, n: i32, total: i32, r0: i32): f64 {
	const nl = hi(plan, H_LAYERS);
	const layers = <usize>hi(plan, H_LAYER_PTR);
	const xw = hi(plan, H_XW);
	const yw = hi(plan, H_YW);
	const X = <usize>hi(plan, H_X);
	const Y = <usize>hi(plan, H_Y);
	const order = <usize>hi(plan, H_ORDER);
	const xb = <usize>hi(plan, H_XB);
	const yb = <usize>hi(plan, H_YB);
	for (let i = 0; i < n; i++) {
		const r = load<i32>(at(order, start + i));
		memory.copy(at(xb, i * xw), at(X, r * xw), (<usize>xw) << 2);
		memory.copy(at(yb, i * yw), at(Y, r * yw), (<usize>yw) << 2);
	}
	// Forward.
	for (let l = 0; l < nl; l++) {
		const rec = layers + ((<usize>l) << 7);
		const kind = li(rec, L_KIND);
		const w = li(rec, L_OUT);
		if (kind == 0) {
			gemm(n, w, li(rec, L_IN), lp(rec, L_X), li(rec, L_IN), 1, lp(rec, L_W), lp(rec, L_Z), lp(rec, L_B));
			if (lp(rec, L_Z) != lp(rec, L_A)) activate(li(rec, L_ACT), lp(rec, L_Z), lp(rec, L_A), n, w, lf(rec, L_ALPHA));
		} else if (kind == 1) {
			const x = lp(rec, L_X);
			const a = lp(rec, L_A);
			// The batch's mask: a thread's rows read their own part, so masks do not depend on the split.
			const mk = at(lp(rec, L_MASK), r0 * w);
			for (let i = 0; i < n * w; i++) store<f32>(at(a, i), load<f32>(at(x, i)) * load<f32>(at(mk, i)));
		} else activate(li(rec, L_ACT), lp(rec, L_X), lp(rec, L_A), n, w, lf(rec, L_ALPHA));
	}
	const last = layers + ((<usize>(nl - 1)) << 7);
	const k = li(last, L_OUT);
	const P = lp(last, L_A);
	const value = loss(hi(plan, H_LOSS), P, yb, lp(last, L_DA), n, total, k, yw, <f32>hf(plan, F_HUBER));
	const sums = <usize>hi(plan, H_SUMS);
	const nm = hi(plan, H_METRICS);
	const mp = <usize>hi(plan, H_METRIC_PTR);
	for (let m = 0; m < nm; m++) {
		const s = sums + ((<usize>(m + 1)) << 3);
		store<f64>(s, load<f64>(s) + metric(load<i32>(at(mp, m)), hi(plan, H_ENCODING), P, yb, n, k, yw));
	}
	// Backward.
	for (let l = nl - 1; l >= 0; l--) {
		const rec = layers + ((<usize>l) << 7);
		const kind = li(rec, L_KIND);
		const w = li(rec, L_OUT);
		const inW = li(rec, L_IN);
		const dA = lp(rec, L_DA);
		const dX = lp(rec, L_DX);
		if (kind == 0) {
			activateBack(li(rec, L_ACT), lp(rec, L_Z), lp(rec, L_A), dA, dA, n, w, lf(rec, L_ALPHA));
			const x = lp(rec, L_X);
			const W = lp(rec, L_W);
			gemm(inW, w, n, x, 1, inW, dA, lp(rec, L_GW), 0);
			const gb = lp(rec, L_GB);
			if (lp(rec, L_B)) {
				memory.fill(gb, 0, (<usize>w) << 2);
				for (let r = 0; r < n; r++) {
					let j = 0;
					for (; j + 4 <= w; j += 4) v128.store(at(gb, j), f32x4.add(v128.load(at(gb, j)), v128.load(at(dA, r * w + j))));
					for (; j < w; j++) store<f32>(at(gb, j), load<f32>(at(gb, j)) + load<f32>(at(dA, r * w + j)));
				}
			}
			if (dX) {
				const WT = lp(rec, L_WT);
				for (let i = 0; i < inW; i++) for (let j = 0; j < w; j++) store<f32>(at(WT, j * inW + i), load<f32>(at(W, i * w + j)));
				gemm(n, inW, w, dA, w, 1, WT, dX, 0);
			}
		} else if (kind == 1) {
			if (dX) {
				const mk = at(lp(rec, L_MASK), r0 * w);
				for (let i = 0; i < n * w; i++) store<f32>(at(dX, i), load<f32>(at(dA, i)) * load<f32>(at(mk, i)));
			}
		} else if (dX) activateBack(li(rec, L_ACT), lp(rec, L_X), lp(rec, L_A), dA, dX, n, w, lf(rec, L_ALPHA));
	}
	return value;
}

/** Penalties (on the weights the loss saw), clipping, the update; adds the batch loss × n to the sums. */
function finish(plan: usize, batchLoss: f64, n: i32): void {
	const nl = hi(plan, H_LAYERS);
	const layers = <usize>hi(plan, H_LAYER_PTR);
	const sums = <usize>hi(plan, H_SUMS);
	let value = batchLoss;
	for (let l = 0; l < nl; l++) {
		const rec = layers + ((<usize>l) << 7);
		if (li(rec, L_KIND) != 0) continue;
		const sz = li(rec, L_IN) * li(rec, L_OUT);
		value += penalty(lp(rec, L_W), lp(rec, L_GW), sz, lf(rec, L_L1K), lf(rec, L_L2K));
		if (lp(rec, L_B)) value += penalty(lp(rec, L_B), lp(rec, L_GB), li(rec, L_OUT), lf(rec, L_L1B), lf(rec, L_L2B));
	}
	store<f64>(plan + 128 + ((<usize>F_T) << 3), hf(plan, F_T) + 1);
	for (let l = 0; l < nl; l++) {
		const rec = layers + ((<usize>l) << 7);
		if (li(rec, L_KIND) != 0) continue;
		const sz = li(rec, L_IN) * li(rec, L_OUT);
		clip(plan, lp(rec, L_GW), sz);
		update(plan, lp(rec, L_W), lp(rec, L_GW), lp(rec, L_SW), lp(rec, L_SW + 1), lp(rec, L_SW + 2), sz);
		if (lp(rec, L_B)) {
			const w = li(rec, L_OUT);
			clip(plan, lp(rec, L_GB), w);
			update(plan, lp(rec, L_B), lp(rec, L_GB), lp(rec, L_SB), lp(rec, L_SB + 1), lp(rec, L_SB + 2), w);
		}
	}
	store<f64>(sums, load<f64>(sums) + <f64>(<f32>value) * <f64>n);
}

/** One batch: rows order[start .. start+n). */
function step(plan: usize, start: i32, n: i32): void {
	finish(plan, gradient(plan, start, n, n, 0), n);
}

/** dst[i] += src[i], four lanes at a time. */
function addInto(dst: usize, src: usize, len: i32): void {
	let i = 0;
	for (; i + 4 <= len; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
	for (; i < len; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

// A data-parallel step over T threads, each with its own plan (own activations and gradients, the
// same weights, optimizer state, rows and masks): every thread runs grad() on its rows of the
// batch, then one thread accumulate()s the others' plans into its own, in thread order (so a seed
// and a thread count give the same bits), and apply()s the update once.

/** Gradients of rows r0 .. r0+n of the batch at order[start] of `total` rows, into this plan. */
export function grad(plan: usize, start: i32, n: i32, total: i32, r0: i32): void {
	store<f64>(plan + 128 + ((<usize>F_PART) << 3), gradient(plan, start + r0, n, total, r0));
}

/** Adds another thread's gradients and loss share into this plan's. */
export function accumulate(plan: usize, other: usize): void {
	const nl = hi(plan, H_LAYERS);
	const layers = <usize>hi(plan, H_LAYER_PTR);
	const others = <usize>hi(other, H_LAYER_PTR);
	for (let l = 0; l < nl; l++) {
		const rec = layers + ((<usize>l) << 7);
		if (li(rec, L_KIND) != 0) continue;
		const orec = others + ((<usize>l) << 7);
		addInto(lp(rec, L_GW), lp(orec, L_GW), li(rec, L_IN) * li(rec, L_OUT));
		if (lp(rec, L_B)) addInto(lp(rec, L_GB), lp(orec, L_GB), li(rec, L_OUT));
	}
	store<f64>(plan + 128 + ((<usize>F_PART) << 3), hf(plan, F_PART) + hf(other, F_PART));
}

/** The update for a batch of n rows from this plan's (accumulated) gradients. */
export function apply(plan: usize, n: i32): void {
	finish(plan, hf(plan, F_PART), n);
}

/** The tick of the optimizer's step count, before a threaded update's parts run. */
export function tick(plan: usize): void {
	store<f64>(plan + 128 + ((<usize>F_T) << 3), hf(plan, F_T) + 1);
}

/** Start of part `part` of `parts` of a tensor of len elements (blocks of 4 lanes). */
function partStart(len: i32, part: i32, parts: i32): i32 {
	if (part <= 0) return 0;
	if (part >= parts) return len;
	return (<i32>((<i64>len * <i64>part) / <i64>parts)) & ~3;
}

/** updatePart on one tensor: weight word wI, gradient gI, slots sI; returns the range's penalty. */
function updateRange(
	plan: usize,
	others: usize,
	count: i32,
	l: i32,
	wI: i32,
	gI: i32,
	sI: i32,
	len: i32,
	part: i32,
	parts: i32,
	l1: f32,
	l2: f32,
): f64 {
	const rec = <usize>hi(plan, H_LAYER_PTR) + ((<usize>l) << 7);
	const lo = partStart(len, part, parts);
	const k = partStart(len, part + 1, parts) - lo;
	if (k <= 0) return 0;
	const g = at(lp(rec, gI), lo);
	for (let o = 0; o < count; o++) {
		const orec = <usize>hi(<usize>load<i32>(at(others, o)), H_LAYER_PTR) + ((<usize>l) << 7);
		addInto(g, at(lp(orec, gI), lo), k);
	}
	const x = at(lp(rec, wI), lo);
	const v = penalty(x, g, k, l1, l2);
	clip(plan, g, k);
	update(plan, x, g, at(lp(rec, sI), lo), at(lp(rec, sI + 1), lo), at(lp(rec, sI + 2), lo), k);
	return v;
}

/**
 * Part `part` of `parts` of a threaded update, element-wise over every weight: the other plans'
 * gradients (`others`: `count` plan pointers) added in order, penalty, clipping by value, the
 * optimizer. Every operation is per element, so the parts give the serial update's bits (clipping
 * by norm needs whole tensors: that runs accumulate() and apply() instead).
 */
export function updatePart(plan: usize, others: usize, count: i32, part: i32, parts: i32): void {
	const nl = hi(plan, H_LAYERS);
	const layers = <usize>hi(plan, H_LAYER_PTR);
	let pen: f64 = 0;
	for (let l = 0; l < nl; l++) {
		const rec = layers + ((<usize>l) << 7);
		if (li(rec, L_KIND) != 0) continue;
		const w = li(rec, L_OUT);
		pen += updateRange(plan, others, count, l, L_W, L_GW, L_SW, li(rec, L_IN) * w, part, parts, lf(rec, L_L1K), lf(rec, L_L2K));
		if (lp(rec, L_B)) pen += updateRange(plan, others, count, l, L_B, L_GB, L_SB, w, part, parts, lf(rec, L_L1B), lf(rec, L_L2B));
	}
	store<f64>(plan + 128 + ((<usize>(F_PEN + part)) << 3), pen);
}

/** After the update's parts: the batch loss (loss shares in plan order, then the parts' penalties) × n into the sums. */
export function finishParts(plan: usize, others: usize, count: i32, n: i32, parts: i32): void {
	let value = hf(plan, F_PART);
	for (let o = 0; o < count; o++) value += hf(<usize>load<i32>(at(others, o)), F_PART);
	for (let p = 0; p < parts; p++) value += hf(plan, F_PEN + p);
	const sums = <usize>hi(plan, H_SUMS);
	store<f64>(sums, load<f64>(sums) + <f64>(<f32>value) * <f64>n);
}

/** Batches first .. first+count of an epoch of `rows` rows cut into `batch`-row batches. */
export function train(plan: usize, rows: i32, batch: i32, first: i32, count: i32): void {
	for (let b = first; b < first + count; b++) {
		const s = b * batch;
		if (s >= rows) break;
		step(plan, s, min<i32>(batch, rows - s));
	}
}
