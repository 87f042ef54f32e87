/**
 * Loads dist/fused.wasm (compiled from asm/kernel.ts by esbuild.mjs). The bundle runs from dist/,
 * tests from the sources: both look beside the running script first, then in the repository's dist/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FusedExports {
	memory: WebAssembly.Memory;
	train(plan: number, rows: number, batch: number, first: number, count: number): void;
	/** The threaded step (asm/kernel.ts): each thread's gradients, then one thread sums and updates. */
	grad(plan: number, start: number, n: number, total: number, r0: number): void;
	accumulate(plan: number, other: number): void;
	apply(plan: number, n: number): void;
	/** The update over threads: tick, then every part (any thread), then finishParts. */
	tick(plan: number): void;
	updatePart(plan: number, others: number, count: number, part: number, parts: number): void;
	finishParts(plan: number, others: number, count: number, n: number, parts: number): void;
}

/** wasm32's 4 GiB: a shared memory declares its maximum up front (the module is built with it). */
const MAX_PAGES = 65536;

/** The memory every instance of one training imports: shared, so a worker's instance sees the same weights. */
export function sharedMemory(): WebAssembly.Memory {
	return new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
}

let compiled: WebAssembly.Module | null | undefined;
let loadError = '';

function locate(): string | undefined {
	const candidates = [path.join(__dirname, 'fused.wasm'), path.resolve(__dirname, '../../../../dist/fused.wasm')];
	return candidates.find((p) => fs.existsSync(p));
}

/** The compiled module, or undefined (with `fusedLoadError()` saying why) when it is missing or invalid. */
export function fusedModule(): WebAssembly.Module | undefined {
	if (compiled === undefined) {
		try {
			const file = locate();
			if (!file) throw new Error('fused.wasm not found (run `npm run build`)');
			compiled = new WebAssembly.Module(fs.readFileSync(file));
		} catch (err) {
			compiled = null;
			loadError = err instanceof Error ? err.message : String(err);
		}
	}
	return compiled ?? undefined;
}

export const fusedLoadError = (): string => loadError;

/** An instance on `memory` (a fresh one by default, freed with the instance and its workers). */
export function instantiate(mod: WebAssembly.Module, memory: WebAssembly.Memory = sharedMemory()): FusedExports {
	return new WebAssembly.Instance(mod, { env: { memory, abort: () => undefined } }).exports as unknown as FusedExports;
}
