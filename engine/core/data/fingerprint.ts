/**
 * Data and split fingerprints, stored with a run (summary.json `data.fingerprint`): `evaluate`
 * re-splits the data from the config snapshot and the seed, which only gives back the training
 * run's test rows if the data is what it was. A reordered CSV keeps the same row numbers but puts
 * other rows behind them, so the test split silently overlaps training rows; the fingerprints
 * catch it. Hashing is done by the runtime (node:crypto); this file only compares.
 */

import { getLocale, list } from '../l10n';
import { reportMessages } from './report';

export interface DataFingerprint {
	/** `sha256:<hex>` of the data file's bytes, or of the source's description for generated and inline data. */
	data: string;
	/** What was hashed: the data file's path (as resolved then), or the source type. */
	source: string;
	/** `sha256:<hex>` of each split's row numbers (sorted, as 32-bit integers). */
	splits: { train: string; validation: string; test: string };
}

/** A fingerprint as printed: the algorithm and the first 16 hex digits (enough to tell two apart). */
export const shortPrint = (fp: string): string => (fp.length > 23 ? `${fp.slice(0, 23)}…` : fp);

/**
 * What changed between the fingerprints at training and now, as a sentence naming both prints;
 * undefined when nothing did (or when the run predates fingerprints).
 */
export function fingerprintChange(trained: DataFingerprint | undefined, now: DataFingerprint): string | undefined {
	if (!trained || typeof trained.data !== 'string') return undefined;
	const t = reportMessages.t;
	const parts: string[] = [];
	if (trained.data !== now.data)
		parts.push(t('fp.data', { source: now.source, then: shortPrint(trained.data), now: shortPrint(now.data) }));
	const splits = (['train', 'validation', 'test'] as const).filter((k) => trained.splits?.[k] !== now.splits[k]);
	if (splits.length)
		parts.push(
			t(splits.length === 1 ? 'fp.splits.one' : 'fp.splits.many', {
				// Split names are the summary's keys, as written.
				splits: list(splits),
				prints: splits
					.map((k) => t('fp.split', { split: k, then: shortPrint(trained.splits?.[k] ?? '?'), now: shortPrint(now.splits[k]) }))
					.join(getLocale() === 'zh-cn' ? '；' : '; '),
			}),
		);
	return parts.length ? t('fp.end', { parts: parts.join(getLocale() === 'zh-cn' ? '；' : '; ') }) : undefined;
}
