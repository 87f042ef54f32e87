/**
 * Engine-owned kernels for the wasm backend:
 * - BatchMatMul / _FusedMatMul: stock wasm falls back to a naive scalar loop when an operand is
 *   transposed (every backward pass); we transpose first (a fast wasm kernel) and call the
 *   XNNPACK path with no transposes.
 * - GatherV2 on axis 0: copies whole rows instead of the per-element stock kernel (model.fit's
 *   batch gathers, embedding lookups).
 * - Conv2DBackpropFilter and UnsortedSegmentSum, missing from wasm, so conv1d/conv2d and
 *   embedding layers train on wasm. NHWC only (tfjs-layers' default).
 * Each is checked against the cpu backend, forward and gradient, in test/engine/kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
type Typed = Float32Array | Int32Array | Uint8Array;
interface WasmBackend {
	typedArrayFromHeap(t: TensorInfo): Typed;
	makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
	disposeData(dataId: object, force?: boolean): boolean;
}
type KernelArgs = { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs?: Record<string, unknown> };
type Kernel = (args: KernelArgs) => TensorInfo | TensorInfo[];

let registered = false;
/** Stock and engine kernel configs of the kernels we replace, for enableFastKernels. */
const swaps = new Map<string, { stock: tf.KernelConfig; ours: tf.KernelConfig }>();
let fastOn = true;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function replace(name: string, make: (orig: Kernel | undefined) => Kernel): void {
	const cfg = tf.getKernel(name, 'wasm');
	if (!cfg) return;
	const orig = cfg.kernelFunc as unknown as Kernel;
	tf.unregisterKernel(name, 'wasm');
	const ours: tf.KernelConfig = {
		kernelName: name,
		backendName: 'wasm',
		kernelFunc: make(orig),
		...(cfg.setupFunc ? { setupFunc: cfg.setupFunc } : {}),
		...(cfg.disposeFunc ? { disposeFunc: cfg.disposeFunc } : {}),
	};
	tf.registerKernel(ours);
	swaps.set(name, { stock: cfg, ours });
}

/**
 * Switches the replaced kernels (matmul, gather) between ours and the stock ones; the added
 * kernels stay. For benchmarks that compare against stock tfjs in the same process.
 */
export function enableFastKernels(on: boolean): void {
	if (on === fastOn) return;
	fastOn = on;
	for (const [name, { stock, ours }] of swaps) {
		tf.unregisterKernel(name, 'wasm');
		tf.registerKernel(on ? ours : stock);
	}
}

export function registerFastKernels(): void {
	if (registered) return;
	registered = true;
	const transposeCfg = tf.getKernel('Transpose', 'wasm');
	if (!transposeCfg) return;
	const transpose = transposeCfg.kernelFunc as unknown as Kernel;
	const swapLast = (backend: unknown, t: TensorInfo): TensorInfo => {
		const r = t.shape.length;
		const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
		return transpose({ inputs: { x: t }, backend, attrs: { perm } }) as TensorInfo;
	};
	const matmul =
		(orig: Kernel | undefined): Kernel =>
		(args) => {
			const attrs = args.attrs ?? {};
			if (!attrs.transposeA && !attrs.transposeB) return orig!(args);
			const b = args.backend as WasmBackend;
			const tmp: TensorInfo[] = [];
			const inputs = { ...args.inputs };
			if (attrs.transposeA) {
				inputs.a = swapLast(b, args.inputs.a!);
				tmp.push(inputs.a);
			}
			if (attrs.transposeB) {
				inputs.b = swapLast(b, args.inputs.b!);
				tmp.push(inputs.b);
			}
			try {
				return orig!({ inputs, backend: args.backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
			} finally {
				for (const t of tmp) b.disposeData(t.dataId);
			}
		};
	replace('BatchMatMul', matmul);
	replace('_FusedMatMul', matmul);

	replace('GatherV2', (orig) => (args) => {
		const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
		const axis = Number(args.attrs?.axis ?? 0);
		const batchDims = Number(args.attrs?.batchDims ?? 0);
		const ax = axis < 0 ? axis + x.shape.length : axis;
		if (ax !== 0 || batchDims !== 0 || !orig) return orig!(args);
		const b = args.backend as WasmBackend;
		const rowLen = size(x.shape.slice(1));
		const n = size(indices.shape);
		const out = b.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
		// Views after the allocation: growing the wasm heap detaches older views.
		const xs = b.typedArrayFromHeap(x);
		const is = b.typedArrayFromHeap(indices);
		const os = b.typedArrayFromHeap(out);
		const rows = x.shape[0]!;
		for (let i = 0; i < n; i++) {
			const r = is[i]!;
			if (r < 0 || r >= rows) throw new Error(`GatherV2: index ${r} is not in [0, ${rows - 1}]`);
			os.set(xs.subarray(r * rowLen, (r + 1) * rowLen), i * rowLen);
		}
		return out;
	});

	if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
		tf.registerKernel({
			kernelName: 'UnsortedSegmentSum',
			backendName: 'wasm',
			kernelFunc: (args: KernelArgs) => {
				const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
				const numSegments = Number(args.attrs?.numSegments);
				const b = args.backend as WasmBackend;
				const n = size(segmentIds.shape);
				const rowLen = size(x.shape) / Math.max(1, n);
				const out = b.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
				const xs = b.typedArrayFromHeap(x);
				const ids = b.typedArrayFromHeap(segmentIds);
				const os = b.typedArrayFromHeap(out);
				os.fill(0);
				for (let i = 0; i < n; i++) {
					const s = ids[i]!;
					if (s < 0 || s >= numSegments) continue;
					const o = s * rowLen;
					const xi = i * rowLen;
					for (let k = 0; k < rowLen; k++) os[o + k] = os[o + k]! + xs[xi + k]!;
				}
				return out;
			},
		});
	}

	if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
		tf.registerKernel({
			kernelName: 'Conv2DBackpropFilter',
			backendName: 'wasm',
			kernelFunc: (args: KernelArgs) => {
				const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
				const a = args.attrs as {
					strides: number | [number, number];
					pad: 'valid' | 'same' | number;
					dataFormat: 'NHWC' | 'NCHW';
					dimRoundingMode?: 'floor' | 'round' | 'ceil';
					filterShape: [number, number, number, number];
				};
				if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC (channelsLast) is supported.');
				const info = tf.backend_util.computeConv2DInfo(
					x.shape as [number, number, number, number],
					a.filterShape,
					a.strides,
					1,
					a.pad,
					a.dimRoundingMode,
					false,
					'channelsLast',
				);
				const b = args.backend as WasmBackend;
				const out = b.makeOutput(a.filterShape, 'float32');
				const xs = b.typedArrayFromHeap(x) as Float32Array;
				const ds = b.typedArrayFromHeap(dy) as Float32Array;
				const dw = b.typedArrayFromHeap(out) as Float32Array;
				dw.fill(0);
				const {
					batchSize,
					inHeight,
					inWidth,
					inChannels,
					outHeight,
					outWidth,
					outChannels,
					strideHeight,
					strideWidth,
					filterHeight,
					filterWidth,
				} = info;
				const top = info.padInfo.top;
				const left = info.padInfo.left;
				for (let bi = 0; bi < batchSize; bi++) {
					for (let yr = 0; yr < outHeight; yr++) {
						for (let yc = 0; yc < outWidth; yc++) {
							const dyBase = ((bi * outHeight + yr) * outWidth + yc) * outChannels;
							for (let wr = 0; wr < filterHeight; wr++) {
								const xr = yr * strideHeight - top + wr;
								if (xr < 0 || xr >= inHeight) continue;
								for (let wc = 0; wc < filterWidth; wc++) {
									const xc = yc * strideWidth - left + wc;
									if (xc < 0 || xc >= inWidth) continue;
									const xBase = ((bi * inHeight + xr) * inWidth + xc) * inChannels;
									const wBase = (wr * filterWidth + wc) * inChannels * outChannels;
									for (let d1 = 0; d1 < inChannels; d1++) {
										const xv = xs[xBase + d1]!;
										if (xv === 0) continue;
										const o = wBase + d1 * outChannels;
										for (let d2 = 0; d2 < outChannels; d2++) dw[o + d2] = dw[o + d2]! + xv * ds[dyBase + d2]!;
									}
								}
							}
						}
					}
				}
				return out;
			},
		});
	}
}
