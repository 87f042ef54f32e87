/** Rows from any source of the schema: CSV (streamed), JSON, inline, generators, bundled data sets. */
import * as fs from 'node:fs';
import type { SourceConfig } from '../../core/config/schema';
import { infoFromRows, staticDataInfo, type DataInfo } from '../../core/data/info';
import { resolveDataPath, type PathPolicy } from '../../io/probe';
import { DataError, readCsv } from './csv';
import { generate, type Row } from './generators';
import { loadDataset } from './bundled';

export type { PathPolicy, Row };
export { DataError };

export interface LoadedRows {
	rows: Row[];
	columns: string[];
	numeric: string[];
	info: DataInfo;
}

function numericColumns(rows: readonly Row[], columns: readonly string[]): string[] {
	return columns.filter(
		(c) => rows.some((r) => typeof r[c] === 'number') && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'),
	);
}

/** Loads rows. `columns` (when given) limits what CSV reading keeps in memory. */
export async function loadRows(
	source: SourceConfig,
	opts: { policy: PathPolicy; seed: number; columns?: readonly string[] },
): Promise<LoadedRows> {
	if (source.type === 'csv' || source.type === 'json') {
		const r = resolveDataPath(source.path, opts.policy);
		if (!r.ok) throw new DataError(r.message);
		if (!fs.existsSync(r.file)) throw new DataError(`data file \`${source.path}\` not found (looked for ${r.file}).`, r.file);
		if (source.type === 'csv') {
			const csv = await readCsv(r.file, {
				delimiter: source.delimiter,
				missingValues: source.missingValues,
				displayName: source.path,
				...(opts.columns ? { columns: opts.columns } : {}),
			});
			const info = infoFromRows(csv.rows.slice(0, 1000), csv.rows.length);
			info.columns = csv.columns;
			info.numeric = csv.numeric;
			return { rows: csv.rows, columns: csv.columns, numeric: csv.numeric, info };
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse(fs.readFileSync(r.file, 'utf8'));
		} catch (err) {
			throw new DataError(`${source.path}: not valid JSON (${err instanceof Error ? err.message : String(err)}).`, r.file);
		}
		if (!Array.isArray(parsed) || parsed.some((x) => !x || typeof x !== 'object' || Array.isArray(x)))
			throw new DataError(`${source.path}: must hold a JSON array of row objects.`, r.file);
		return fromRows(parsed as Row[]);
	}
	if (source.type === 'inline') return fromRows(source.rows as Row[]);
	if (source.type === 'dataset') {
		const rows = loadDataset(source.name);
		const info = staticDataInfo(source)!;
		return { rows, columns: info.columns, numeric: info.numeric, info };
	}
	const rows = generate(source, opts.seed);
	const info = staticDataInfo(source)!;
	return { rows, columns: info.columns, numeric: info.numeric, info };
}

function fromRows(rows: Row[]): LoadedRows {
	const info = infoFromRows(rows);
	return { rows, columns: info.columns, numeric: numericColumns(rows, info.columns), info };
}
