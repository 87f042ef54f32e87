/**
 * Loads dist/fused.wasm (compiled from asm/kernel.ts by esbuild.mjs). The bundle runs from dist/,
 * tests from the sources: both look beside the running script first, then in the repository's dist/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FusedExports {
	memory: WebAssembly.Memory;
	train(plan: number, rows: number, batch: number, first: number, count: number): void;
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

/** A fresh instance: its own memory, freed with it. */
export function instantiate(mod: WebAssembly.Module): FusedExports {
	return new WebAssembly.Instance(mod, { env: { abort: () => undefined } }).exports as unknown as FusedExports;
}
