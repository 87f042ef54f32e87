/** Where the client puts its Train / Tune / Show architecture lenses. */
import type { Range } from 'vscode-languageserver-protocol';
import { trialCount } from '../../../engine/core/tune/space';
import type { LensData } from '../protocol';
import type { Analysis } from './analysis';
import { ts } from './messages';

export function lenses(a: Analysis): LensData[] {
	const cd = a.result.document;
	const keyRange = (k: string): Range | undefined => {
		const p = cd.pair(cd.root, k);
		return p?.key?.range ? cd.range(p.key.range[0], p.key.range[1]) : undefined;
	};
	const out: LensData[] = [];
	const training = keyRange('training');
	const model = keyRange('model');
	const tuning = keyRange('tuning');
	// Only a config that could run gets a Train lens; a broken one would only fail.
	if (training && model && a.result.ok) out.push({ kind: 'train', range: training });
	if (model && a.result.shapes) out.push({ kind: 'architecture', range: model });
	const t = a.result.resolved?.tuning;
	if (tuning && a.result.ok && t) {
		const folds = t.folds ?? a.result.resolved?.data.split.folds;
		const n = trialCount(t);
		const trials = n === 1 ? ts('lens.trial') : ts('lens.trials', { n });
		out.push({ kind: 'tune', range: tuning, title: ts('lens.tune', { trials, folds: folds ? ts('lens.folds', { n: folds }) : '' }) });
	}
	return out;
}
