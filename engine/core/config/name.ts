/**
 * The name a config goes by in progress, the status bar and toasts: its `name:` when it has one
 * (a plain string), else its file name without `.model.yaml` — resolveConfig's own fallback, so
 * the editor's name for a job is the engine's from the first moment, not only once it starts.
 */
import { isScalar } from 'yaml';
import { configNameFromPath, splitConfigFileName } from '../facts';
import { ConfigDocument } from './document';

export function configDisplayName(text: string | undefined, file: string): string {
	if (text !== undefined) {
		try {
			const node = new ConfigDocument(text).nodeAt(['name']);
			if (node && isScalar(node) && typeof node.value === 'string' && node.value.trim()) return node.value;
		} catch {
			// An unparsable config: its file name.
		}
	}
	return configNameFromPath(file);
}

/**
 * A file name for a new config from `file` (`iris.model.yaml`) that `taken` does not hold:
 * `iris.model.yaml`, else `iris-2.model.yaml`, `iris-3.model.yaml`, …
 */
export function freeConfigFileName(file: string, taken: (name: string) => boolean): string {
	const [stem, ext] = splitConfigFileName(file);
	for (let i = 1; i < 10_000; i++) {
		const name = i === 1 ? file : `${stem}-${i}${ext}`;
		if (!taken(name)) return name;
	}
	return `${stem}-${Date.now()}${ext}`;
}
