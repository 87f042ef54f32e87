/**
 * More cores for one fused training: data parallelism over the rows of each batch. A worker_thread
 * owns a second instance of the kernel on the SAME shared WebAssembly.Memory, so weights, rows,
 * masks and optimizer state are shared with no copies. The worker runs grad() on its rows of the
 * batch while the main thread runs the first rows; they meet on Atomics (no message per step), and
 * the main thread sums the gradients in thread order and applies the update once (fused.ts).
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

// Control words (an Int32Array over a SharedArrayBuffer, one for the main thread and its workers).
const GO = 0; // sequence number of the current step
// The step's claims, one word so that a claim and the part count it is checked against are read
// together: bits 0-7 the next unclaimed part (Atomics.add by any thread), bits 8-15 the step's
// parts. A thread whose failing claim is followed by the next step's post must not read that
// step's count and run a part nobody claimed.
const NEXT = 1;
const CLAIM_BITS = 8;
const CLAIM_MASK = (1 << CLAIM_BITS) - 1;
/**
 * @internal tests: `1` leaves every part to the worker threads (the main thread only posts and
 * waits), so a test knows the workers computed them, whatever the machine's load.
 */
export const WORKERS_ONLY_ENV = 'MODELWRIGHT_TEST_FUSED_WORKERS_ONLY';
/** @internal tests: ms a worker sleeps after a claim that found no part (a preempted thread). */
export const MISS_PAUSE_ENV = 'MODELWRIGHT_TEST_FUSED_MISS_PAUSE_MS';
const DONE = 2; // parts of the step finished
const FAILED = 3;
const START = 4;
const TOTAL = 5;
const PARTS = 6;
const BY_WORKERS = 7; // parts the worker threads ran (tests: they did share the work)
const TABLE = 8; // per part: kind (0 gradient, 1 update), then plan, rows, r0 or plan, others, count
/** Threads at most (the kernel keeps a penalty value per update part: 32 slots). */
export const MAX_THREADS = 32;
/** Parts of a step at most (the control words' table). */
const MAX_PARTS = 2 * MAX_THREADS;

/** Env override of the thread count (a positive integer); the engine option otherwise, else automatic. */
export const THREADS_ENV = 'MODELWRIGHT_TRAIN_THREADS';

/**
 * A step must be at least this much arithmetic (≈ 1.5 ms on one core) for a second thread to be
 * chosen by itself. The threads meet twice a step; on a busy machine a thread woken late holds the
 * step up, and bench train measured 784-128-64-10 at batch 64 (42 MFLOP a step) and 64-256-256-1
 * at 128 (63 MFLOP) slower on two threads there, batch 256 (168 MFLOP) faster.
 */
const MIN_STEP_FLOPS = 64e6;
/** Rows each thread gets, at least, when the count is automatic. */
const MIN_ROWS_PER_THREAD = 32;
/**
 * How long a thread spins for the other before it sleeps on a futex: the two halves of a batch end
 * close together, and the next batch starts a few hundred µs after (sum, update); waking a sleeping
 * thread (an idle vCPU under KVM) costs tens to hundreds of µs a step, and now and then a
 * millisecond. 2 ms covers the gap between steps (784-128-64-10 b256: a step is ≈ 2 ms on two
 * threads, the update phase 0.2 ms), so in a training the threads do not sleep between steps;
 * they sleep 2 ms after the last one. Measured on the 2-core VM, quiet, best epoch of 3 runs:
 * spin 0.1 ms 1.46-1.79× one thread, waits up to 0.4 ms a step; spin 2 ms 1.63-1.82×, waits ≤ 0.1 ms.
 */
const SPIN_MS = 2;

/**
 * How many threads train: MODELWRIGHT_TRAIN_THREADS, else `requested`, else 2 when the machine has
 * two cores and a step (6 × Σ in·out × batch FLOPs) is big enough to pay; never more threads than
 * cores or than batch rows in blocks of 4.
 */
export function fusedThreads(requested: number | undefined, batch: number, flopsPerRow: number): number {
	const cores = os.availableParallelism();
	const env = Number(process.env[THREADS_ENV]);
	const asked = Number.isInteger(env) && env > 0 ? env : requested !== undefined && requested > 0 ? Math.floor(requested) : undefined;
	if (asked !== undefined) return Math.max(1, Math.min(asked, cores, MAX_THREADS, Math.floor(batch / 4)));
	if (cores < 2 || batch < 2 * MIN_ROWS_PER_THREAD || flopsPerRow * batch < MIN_STEP_FLOPS) return 1;
	return 2;
}

/**
 * Gradient parts of a step over `threads` threads: two a thread when each part keeps ≥ 32 rows, so a
 * thread the OS slows down (a busy machine) claims fewer and the others take the rest; else one.
 * Fixed by the thread count and batch size, so a seed still gives the same bits.
 */
export function gradientParts(threads: number, batch: number): number {
	if (threads <= 1) return 1;
	return batch >= 2 * threads * MIN_ROWS_PER_THREAD ? 2 * threads : threads;
}

/** Rows of a batch of n for each of `threads` threads: blocks of 4 (the kernel's register block), the last takes the rest. */
export function splitRows(n: number, threads: number): number[] {
	const per = Math.ceil(n / threads / 4) * 4;
	const parts: number[] = [];
	let left = n;
	for (let t = 0; t < threads; t++) {
		const k = t === threads - 1 ? left : Math.min(per, left);
		parts.push(k);
		left -= k;
	}
	return parts;
}

// Plain JS, evaluated as the worker's script (no bundling, no tfjs): instantiate, then claim and
// compute parts of each step until terminated. A part is claimed by whichever thread gets to it
// first, so a worker the OS has not scheduled yet does not hold the step up: the main thread takes
// its part. Part p always uses plan p (its rows and buffers), so who computed it changes no bit.
// A failure is flagged in the control words before it is reported: the main thread never waits
// for a part that will not finish.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control } = workerData;
const c = new Int32Array(control);
let seen = 0;
// Tests: after a claim that found no part, sleep until the next step is posted (at most the pause),
// as a thread the OS preempts there would.
const missPause = Number(process.env.${MISS_PAUSE_ENV}) || 0;
try {
	const ex = new WebAssembly.Instance(module, { env: { memory, abort() {} } }).exports;
	parentPort.postMessage({ ready: true });
	for (;;) {
		const end = performance.now() + ${SPIN_MS};
		for (let k = 1; Atomics.load(c, ${GO}) === seen; k++) if ((k & 255) === 0 && performance.now() > end) break;
		Atomics.wait(c, ${GO}, seen);
		seen = Atomics.load(c, ${GO});
		for (;;) {
			const v = Atomics.add(c, ${NEXT}, 1);
			const p = v & ${CLAIM_MASK};
			const parts = v >>> ${CLAIM_BITS};
			if (p >= parts) {
				if (missPause) Atomics.wait(c, ${GO}, seen, missPause);
				break;
			}
			const t = ${TABLE} + 4 * p;
			if (c[t] === 0) ex.grad(c[t + 1], c[${START}], c[t + 2], c[${TOTAL}], c[t + 3]);
			else ex.updatePart(c[t + 1], c[t + 2], c[t + 3], p, parts);
			Atomics.add(c, ${BY_WORKERS}, 1);
			Atomics.add(c, ${DONE}, 1);
			Atomics.notify(c, ${DONE});
		}
	}
} catch (err) {
	Atomics.store(c, ${FAILED}, 1);
	Atomics.notify(c, ${DONE});
	parentPort.postMessage({ error: String((err && err.stack) || err) });
}
`;

type WaitAsync = (a: Int32Array, i: number, v: number, ms?: number) => { async: boolean; value: Promise<string> | string };

/** A gradient part of a step: rows r0 .. r0+rows of the batch, computed into `plan`'s buffers. */
export interface GradPart {
	plan: number;
	rows: number;
	r0: number;
}

let partsRunByWorkers = 0;
/** @internal tests: parts worker threads ran in teams ended so far (in this process). */
export const fusedWorkerParts = (): number => partsRunByWorkers;

/** Worker threads that, with the main thread, compute the parts of each step's gradients in the shared memory. */
export class FusedTeam {
	private readonly control = new Int32Array(new SharedArrayBuffer((TABLE + 4 * MAX_PARTS) * 4));
	private readonly workers: Worker[];
	private seq = 0;
	private parts = 0;
	private closing = false;
	private error: Error | undefined;
	/** Rejects when a worker fails or exits while training (never resolves). */
	private readonly failed: Promise<never>;
	/** Resolves once every thread has ended. */
	readonly exited: Promise<number[]>;
	/** Resolves once every worker has its kernel instance and waits for parts. */
	private readonly ready: Promise<unknown>;

	constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number) {
		this.workers = Array.from(
			{ length: count },
			() => new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: this.control.buffer } }),
		);
		// Workers left behind (a caller that never disposes) must not keep the process alive.
		for (const w of this.workers) w.unref();
		this.exited = Promise.all(this.workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve))));
		this.ready = Promise.all(
			this.workers.map((w) => new Promise<void>((resolve) => w.on('message', (m: { ready?: boolean }) => m.ready && resolve()))),
		);
		this.failed = new Promise<never>((_, reject) => {
			const fail = (why: string) => {
				if (this.closing || this.error) return;
				this.error = new Error(`fused training: a worker thread ${why}`);
				reject(this.error);
			};
			for (const w of this.workers) {
				w.on('message', (m: { error?: string }) => m.error && fail(`failed: ${m.error}`));
				w.on('error', (err) => fail(`failed: ${err.stack ?? err.message}`));
				w.on('exit', (code) => fail(`exited unexpectedly (code ${code})`));
			}
		});
		this.failed.catch(() => undefined);
	}

	/**
	 * Waits until the workers run (tens of ms to start a thread and instantiate the kernel): without
	 * it, a short training is over before they join and two threads are one. Throws when one fails.
	 */
	async started(): Promise<void> {
		await Promise.race([this.ready, this.failed]);
	}

	/** @internal tests: parts the worker threads ran so far. */
	get partsByWorkers(): number {
		return Atomics.load(this.control, BY_WORKERS);
	}

	/** Posts the gradient parts of the batch at `start` of `total` rows, for any thread to claim. */
	begin(start: number, total: number, parts: GradPart[]): void {
		const c = this.control;
		c[START] = start;
		c[TOTAL] = total;
		this.post(parts.map((p) => [0, p.plan, p.rows, p.r0]));
	}

	/** Posts `parts` parts of the update of `plan`, adding the gradients of the `count` plans listed at `others`. */
	beginUpdate(plan: number, others: number, count: number, parts: number): void {
		this.post(Array.from({ length: parts }, () => [1, plan, others, count]));
	}

	private post(table: number[][]): void {
		if (this.error) throw this.error;
		if (table.length > MAX_PARTS) throw new Error(`fused training: at most ${MAX_PARTS} parts a step`);
		const c = this.control;
		c[PARTS] = table.length;
		table.forEach((words, i) => words.forEach((x, j) => (c[TABLE + 4 * i + j] = x)));
		this.parts = table.length;
		Atomics.store(c, DONE, 0);
		// Claims past the end add at most one per thread per step to the counter: far below 256.
		Atomics.store(c, NEXT, table.length << CLAIM_BITS);
		Atomics.store(c, GO, ++this.seq);
		Atomics.notify(c, GO);
	}

	/** The next unclaimed part for the calling (main) thread, or -1 when all are taken. */
	claim(): number {
		const v = Atomics.add(this.control, NEXT, 1);
		const p = v & CLAIM_MASK;
		return p < v >>> CLAIM_BITS ? p : -1;
	}

	/** The main thread finished a part it claimed. */
	done(): void {
		Atomics.add(this.control, DONE, 1);
	}

	/**
	 * Blocks (a short spin, then up to `ms`) until every part is done: the main thread has nothing
	 * else to do. False when they did not finish or a worker failed: then `finished()` waits with
	 * the event loop running, so a worker's exit or error is seen.
	 */
	finishedSync(ms: number): boolean {
		const c = this.control;
		const end = performance.now() + SPIN_MS;
		for (let k = 1; Atomics.load(c, DONE) < this.parts && !Atomics.load(c, FAILED); k++)
			if ((k & 255) === 0 && performance.now() > end) break;
		for (;;) {
			if (Atomics.load(c, FAILED)) return false;
			const d = Atomics.load(c, DONE);
			if (d >= this.parts) return this.exact(d);
			if (Atomics.wait(c, DONE, d, ms) === 'timed-out') return false;
		}
	}

	/** Waits for every part without blocking the event loop; throws when a worker failed or died. */
	async finished(): Promise<void> {
		const c = this.control;
		const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
		for (;;) {
			if (this.error) throw this.error;
			// The flag is up before the message with the reason arrives: wait for the reason.
			if (Atomics.load(c, FAILED)) await this.failed;
			const d = Atomics.load(c, DONE);
			if (d >= this.parts) {
				this.exact(d);
				return;
			}
			const w = waitAsync(c, DONE, d, 1000);
			if (w.async) await Promise.race([w.value, this.failed]);
		}
	}

	/** Every part ran once: more finished than posted means a part ran unclaimed (its gradients are not to be trusted). */
	private exact(done: number): true {
		if (done !== this.parts) throw new Error(`fused training: ${done} parts finished of ${this.parts} posted`);
		return true;
	}

	terminate(): void {
		if (this.closing) return;
		this.closing = true;
		partsRunByWorkers += this.partsByWorkers;
		for (const w of this.workers) void w.terminate();
	}

	/** @internal tests: a worker that dies mid-training. */
	kill(): Promise<number> {
		return this.workers[0]!.terminate();
	}
}
