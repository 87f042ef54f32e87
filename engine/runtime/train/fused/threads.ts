/**
 * More cores for one fused training: data parallelism over the rows of each batch. A worker_thread
 * owns a second instance of the kernel on the SAME shared WebAssembly.Memory, so weights, rows,
 * masks and optimizer state are shared with no copies. The worker runs grad() on its rows of the
 * batch while the main thread runs the first rows; they meet on Atomics (no message per step), and
 * the main thread sums the gradients in thread order and applies the update once (fused.ts).
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

// Control words (Int32Array over a SharedArrayBuffer).
const GO = 0; // sequence number of the last request
const DONE = 1; // sequence number of the last finished request
const FAILED = 2;
const START = 3;
const ROWS = 4;
const TOTAL = 5;
const R0 = 6;

/** Env override of the thread count (a positive integer); the engine option otherwise, else automatic. */
export const THREADS_ENV = 'MODELWRIGHT_TRAIN_THREADS';

/** A step must be at least this much arithmetic (≈ 0.3 ms on one core) for a second thread to pay for the meeting. */
const MIN_STEP_FLOPS = 8e6;
/** Rows each thread gets, at least, when the count is automatic. */
const MIN_ROWS_PER_THREAD = 32;

/**
 * How many threads train: MODELWRIGHT_TRAIN_THREADS, else `requested`, else 2 when the machine has
 * two cores and a step (6 × Σ in·out × batch FLOPs) is big enough to pay; never more threads than
 * cores or than batch rows in blocks of 4.
 */
export function fusedThreads(requested: number | undefined, batch: number, flopsPerRow: number): number {
	const cores = os.availableParallelism();
	const env = Number(process.env[THREADS_ENV]);
	const asked = Number.isInteger(env) && env > 0 ? env : requested !== undefined && requested > 0 ? Math.floor(requested) : undefined;
	if (asked !== undefined) return Math.max(1, Math.min(asked, cores, Math.floor(batch / 4)));
	if (cores < 2 || batch < 2 * MIN_ROWS_PER_THREAD || flopsPerRow * batch < MIN_STEP_FLOPS) return 1;
	return 2;
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

// Plain JS, evaluated as the worker's script (no bundling, no tfjs): instantiate, then serve grad()
// requests until terminated. A failure is flagged in the control words before it is reported, so
// the main thread never waits for a step that will not finish.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, plan } = workerData;
const c = new Int32Array(control);
let seen = 0;
try {
	const ex = new WebAssembly.Instance(module, { env: { memory, abort() {} } }).exports;
	for (;;) {
		Atomics.wait(c, ${GO}, seen);
		seen = Atomics.load(c, ${GO});
		ex.grad(plan, c[${START}], c[${ROWS}], c[${TOTAL}], c[${R0}]);
		Atomics.store(c, ${DONE}, seen);
		Atomics.notify(c, ${DONE});
	}
} catch (err) {
	Atomics.store(c, ${FAILED}, 1);
	Atomics.store(c, ${DONE}, Atomics.load(c, ${GO}));
	Atomics.notify(c, ${DONE});
	parentPort.postMessage({ error: String((err && err.stack) || err) });
}
`;

type WaitAsync = (a: Int32Array, i: number, v: number, ms?: number) => { async: boolean; value: Promise<string> | string };

/** One worker thread computing gradients for its own plan in the shared memory. */
export class FusedWorker {
	private readonly control = new Int32Array(new SharedArrayBuffer(8 * 4));
	private readonly worker: Worker;
	private seq = 0;
	private closing = false;
	private error: Error | undefined;
	/** Rejects when the worker fails or exits while training (never resolves). */
	private readonly failed: Promise<never>;
	/** Resolves with the exit code once the thread has ended. */
	readonly exited: Promise<number>;

	constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, plan: number) {
		this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: this.control.buffer, plan } });
		// A worker left behind (a caller that never disposes) must not keep the process alive.
		this.worker.unref();
		this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
		this.failed = new Promise<never>((_, reject) => {
			const fail = (why: string) => {
				if (this.closing || this.error) return;
				this.error = new Error(`fused training: the worker thread ${why}`);
				reject(this.error);
			};
			this.worker.on('message', (m: { error?: string }) => m.error && fail(`failed: ${m.error}`));
			this.worker.on('error', (err) => fail(`failed: ${err.stack ?? err.message}`));
			this.worker.on('exit', (code) => fail(`exited unexpectedly (code ${code})`));
		});
		this.failed.catch(() => undefined);
	}

	/** Starts grad() on rows r0 .. r0+rows of the batch at `start` of `total` rows. */
	start(start: number, rows: number, total: number, r0: number): void {
		if (this.error) throw this.error;
		const c = this.control;
		c[START] = start;
		c[ROWS] = rows;
		c[TOTAL] = total;
		c[R0] = r0;
		Atomics.store(c, GO, ++this.seq);
		Atomics.notify(c, GO);
	}

	/**
	 * Blocks up to `ms` for the last request (the main thread has nothing else to do: its own rows
	 * are done). False when it did not finish or failed: then `finished()` waits with the event loop
	 * running, so a worker's exit or error is seen.
	 */
	finishedSync(ms: number): boolean {
		const c = this.control;
		for (;;) {
			const d = Atomics.load(c, DONE);
			if (d === this.seq) return Atomics.load(c, FAILED) === 0;
			if (Atomics.wait(c, DONE, d, ms) === 'timed-out') return false;
		}
	}

	/** Waits for the last request without blocking the event loop; throws when the worker failed or died. */
	async finished(): Promise<void> {
		const c = this.control;
		const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
		for (;;) {
			if (this.error) throw this.error;
			// The flag is up before the message with the reason arrives: wait for the reason.
			if (Atomics.load(c, FAILED)) await this.failed;
			const d = Atomics.load(c, DONE);
			if (d === this.seq) return;
			const w = waitAsync(c, DONE, d, 1000);
			if (w.async) await Promise.race([w.value, this.failed]);
		}
	}

	terminate(): void {
		if (this.closing) return;
		this.closing = true;
		void this.worker.terminate();
	}

	/** @internal tests: a worker that dies mid-training. */
	kill(): Promise<number> {
		return this.worker.terminate();
	}
}
