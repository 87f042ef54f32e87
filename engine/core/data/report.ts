/** The data report of a run as text lines: shared by the CLI (train, runs show) and the extension's output channel. */
import type { DataSummary, DroppedRows } from '../protocol';

/** `3 rows dropped for missing label (lines 4, 9, 12)`; places past the first few end in `…`. */
export function droppedLine(r: DroppedRows): string {
	const places = `${r.unit}${r.lines.length === 1 ? '' : 's'} ${r.lines.join(', ')}${r.rows > r.lines.length ? ', …' : ''}`;
	return `${r.rows} row${r.rows === 1 ? '' : 's'} dropped for ${r.reason} (${places})`;
}

/** What a data summary says beyond its counts: dropped rows by reason, then warnings. */
export function dataReportLines(s: Pick<DataSummary, 'dropped' | 'warnings'>): { dropped: string[]; warnings: string[] } {
	return { dropped: (s.dropped ?? []).map(droppedLine), warnings: [...(s.warnings ?? [])] };
}
