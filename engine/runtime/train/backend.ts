/**
 * Backend selection. `wasm` (SIMD, shipped in its npm package) is the default; `cpu` is the
 * pure-JS fallback; `tensorflow` uses @tensorflow/tfjs-node when the user has installed it
 * (`npm i @tensorflow/tfjs-node`; it needs libtensorflow, so it is never required);
 * `auto` picks the fastest available and reports which.
 */
import * as tf from '@tensorflow/tfjs';
import { registerFastKernels } from './kernels';

import type { BackendChoice } from '../../core/facts';
export { BACKENDS, type BackendChoice } from '../../core/facts';

let wasmLoaded = false;

function loadWasm(): void {
	if (wasmLoaded) return;
	// Required lazily so that the module (and its .wasm beside it) loads only when used.
	require('@tensorflow/tfjs-backend-wasm');
	wasmLoaded = true;
}

/** True when @tensorflow/tfjs-node can be loaded (registers the `tensorflow` backend). */
export function tensorflowAvailable(): boolean {
	try {
		// A computed name keeps bundlers from trying to resolve the optional package.
		const name = ['@tensorflow', 'tfjs-node'].join('/');
		require(name);
		return tf.findBackend('tensorflow') !== null || tf.engine().registryFactory.tensorflow !== undefined;
	} catch {
		return false;
	}
}

/** Switches tfjs to the chosen backend; returns the name actually in use. Throws a clear message when unavailable. */
export async function useBackend(choice: BackendChoice = 'wasm'): Promise<string> {
	let name: string;
	if (choice === 'auto') name = tensorflowAvailable() ? 'tensorflow' : 'wasm';
	else name = choice;
	if (name === 'tensorflow' && !tensorflowAvailable()) {
		throw new Error(
			'backend `tensorflow` needs @tensorflow/tfjs-node, which is not installed (install it with `npm i @tensorflow/tfjs-node` where libtensorflow can be downloaded), or use --backend wasm.',
		);
	}
	if (name === 'wasm') {
		loadWasm();
		registerFastKernels();
	}
	if (tf.getBackend() !== name) {
		const ok = await tf.setBackend(name);
		if (!ok) throw new Error(`backend \`${name}\` failed to initialise.`);
	}
	await tf.ready();
	// The cpu backend's one-time "install tfjs-node" banner is noise for our users; the docs cover it.
	if (name === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
	return name;
}
