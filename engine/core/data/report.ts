/** The data report of a run as text lines: shared by the CLI (train, runs show) and the extension's output channel. */
import type { DataSummary, DroppedRows } from '../protocol';
import { catalogue, list, type Strings } from '../l10n';

const en = {
	'dropped.one': '1 row dropped for {reason} ({places})',
	'dropped.many': '{n} rows dropped for {reason} ({places})',
	'places.line': 'line {places}',
	'places.lines': 'lines {places}',
	'places.row': 'row {places}',
	'places.rows': 'rows {places}',
	'reason.label': 'missing label',
	'reason.value': 'missing value in `{column}`',
	more: ', …',
	// ---- the data changed since training (evaluate, predict)
	'fp.data':
		'the data ({source}) changed since training: {then} then, {now} now, so the same row numbers may hold other rows and the evaluation split may overlap the training rows',
	'fp.splits.one': 'the {splits} split holds other rows than at training ({prints})',
	'fp.splits.many': 'the {splits} splits hold other rows than at training ({prints})',
	'fp.split': '{split} {then} then, {now} now',
	'fp.end': '{parts}.',
} as const;
const zh: Strings<typeof en> = {
	'dropped.one': '因{reason}丢弃了 1 行（{places}）',
	'dropped.many': '因{reason}丢弃了 {n} 行（{places}）',
	'places.line': '第 {places} 行',
	'places.lines': '第 {places} 行',
	'places.row': '第 {places} 行',
	'places.rows': '第 {places} 行',
	'reason.label': '缺少标签',
	'reason.value': '列 `{column}` 缺少值',
	more: '……',
	'fp.data': '数据（{source}）自训练以来已改变：训练时 {then}，现在 {now}，所以同样的行号可能对应其他行，评估划分可能与训练行重叠',
	'fp.splits.one': '{splits} 划分中的行与训练时不同（{prints}）',
	'fp.splits.many': '{splits} 划分中的行与训练时不同（{prints}）',
	'fp.split': '{split}：训练时 {then}，现在 {now}',
	'fp.end': '{parts}。',
};
export const reportMessages = catalogue('report', en, zh);
const t = reportMessages.t;

/**
 * A drop reason in the locale. The engine records it in English (`missing label`, ``missing value
 * in `col` ``, also in older runs' summaries), so it is translated where it is shown.
 */
export function droppedReason(reason: string): string {
	if (reason === 'missing label') return t('reason.label');
	const m = /^missing value in `(.+)`$/.exec(reason);
	return m ? t('reason.value', { column: m[1]! }) : reason;
}

/** `3 rows dropped for missing label (lines 4, 9, 12)`; places past the first few end in `…`. */
export function droppedLine(r: DroppedRows): string {
	const places = `${list(r.lines.map(String))}${r.rows > r.lines.length ? t('more') : ''}`;
	const where =
		r.lines.length === 1
			? t(r.unit === 'line' ? 'places.line' : 'places.row', { places })
			: t(r.unit === 'line' ? 'places.lines' : 'places.rows', { places });
	const reason = droppedReason(r.reason);
	return r.rows === 1 ? t('dropped.one', { reason, places: where }) : t('dropped.many', { n: r.rows, reason, places: where });
}

/** What a data summary says beyond its counts: dropped rows by reason, then warnings. */
export function dataReportLines(s: Pick<DataSummary, 'dropped' | 'warnings'>): { dropped: string[]; warnings: string[] } {
	return { dropped: (s.dropped ?? []).map(droppedLine), warnings: [...(s.warnings ?? [])] };
}
