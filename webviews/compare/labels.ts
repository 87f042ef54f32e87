/**
 * Run labels that tell runs apart: two runs of one config share a name, so a label adds the run's
 * start (in the viewer's time zone, else its id) and up to two of the config values that differ.
 */
import type { ComparisonView } from '../protocol';

/** A start time in the page's (the user's) time zone: `Dec 1, 16:47`. */
export function localTime(iso: string | undefined, locale?: string): string | undefined {
	if (!iso) return undefined;
	const d = new Date(iso);
	return Number.isNaN(d.getTime())
		? undefined
		: d.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf('.') + 1);

/** One label per run of `c.runs`: the name alone when it is unique, else name · time · differing values. */
export function runLabels(c: Pick<ComparisonView, 'runs' | 'configDiff'>, locale?: string): Map<string, string> {
	const count = new Map<string, number>();
	for (const r of c.runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
	const differing = c.configDiff.filter((d) => d.key !== 'name' && new Set(d.values.map((v) => v ?? '\u0000')).size > 1).slice(0, 2);
	const times = c.runs.map((r) => localTime(r.startedAt, locale));
	return new Map(
		c.runs.map((r, i) => {
			if (count.get(r.name) === 1) return [r.id, r.name];
			// Two runs started in the same minute read the same: their ids tell them apart.
			const t = times[i];
			const when = t && times.filter((x) => x === t).length === 1 ? t : r.id;
			const values = differing.map((d) => `${lastSegment(d.key)} ${d.values[i] ?? '–'}`).join(', ');
			return [r.id, [r.name, when, values].filter(Boolean).join(' · ')];
		}),
	);
}
