/** Data from any source of the schema as a column table: CSV (streamed), JSON, inline, generators, bundled data sets. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { SourceConfig } from '../../core/config/schema';
import { infoFromRows, staticDataInfo, type DataInfo } from '../../core/data/info';
import { resolveDataPath, type PathPolicy } from '../../io/probe';
import { DataError, readCsvTable } from './csv';
import { generateTable } from './generators';
import { loadDataset } from './bundled';
import { tableFromRows, tableRows, type Row, type Table } from './table';
import { tr } from '../messages';
import { own } from '../../core/own';

export type { PathPolicy, Row, Table };
export { DataError };

export interface LoadedTable {
	table: Table;
	columns: string[];
	numeric: string[];
	info: DataInfo;
	/** `sha256:<hex>` of the data file, or of the source's description (generated, inline, bundled data). */
	fingerprint: string;
	/** What the fingerprint hashed: the file's real path, or the source type. */
	fingerprintSource: string;
	/** CSV files: the file line of a row (messages say "line N", as an editor counts). */
	lineOf?: (row: number) => number;
}

export interface LoadedRows extends Omit<LoadedTable, 'table'> {
	rows: Row[];
}

/** Data facts (distinct values, default label) are computed from this many rows of a file. */
const INFO_ROWS = 1000;

function numericColumns(rows: readonly Row[], columns: readonly string[]): string[] {
	return columns.filter(
		(c) =>
			rows.some((r) => typeof own(r, c) === 'number') &&
			rows.every((r) => {
				const v = own(r, c);
				return v === null || v === undefined || typeof v === 'number';
			}),
	);
}

/** Loads a table. `columns` (when given) limits what CSV reading keeps in memory. */
export async function loadTable(
	source: SourceConfig,
	opts: { policy: PathPolicy; seed: number; columns?: readonly string[] },
): Promise<LoadedTable> {
	if (source.type === 'csv' || source.type === 'json') {
		const r = resolveDataPath(source.path, opts.policy);
		if (!r.ok) throw new DataError(r.message);
		if (!fs.existsSync(r.file)) throw new DataError(tr('data.notFound', { path: source.path, file: r.file }), r.file);
		if (source.type === 'csv') {
			const { table, numeric, sha256, lineOf } = await readCsvTable(r.file, {
				delimiter: source.delimiter,
				missingValues: source.missingValues,
				displayName: source.path,
				...(opts.columns ? { columns: opts.columns } : {}),
			});
			const info = infoFromRows(tableRows(table, undefined, INFO_ROWS), table.n);
			info.columns = [...table.columns];
			info.numeric = numeric;
			return { table, columns: [...table.columns], numeric, info, fingerprint: sha256, fingerprintSource: r.file, lineOf };
		}
		let parsed: unknown;
		const bytes = fs.readFileSync(r.file);
		try {
			parsed = JSON.parse(bytes.toString('utf8'));
		} catch (err) {
			throw new DataError(tr('data.notJson', { path: source.path, error: err instanceof Error ? err.message : String(err) }), r.file);
		}
		if (!Array.isArray(parsed) || parsed.some((x) => !x || typeof x !== 'object' || Array.isArray(x)))
			throw new DataError(tr('data.notRows', { path: source.path }), r.file);
		return { ...fromRows(parsed as Row[]), fingerprint: sha256(bytes), fingerprintSource: r.file };
	}
	if (source.type === 'images') throw new DataError(tr('data.imagesNotTable'));
	// Data that is not a file is fingerprinted by what produces it (a generator's rows follow from its seed).
	const described = { fingerprint: sha256(JSON.stringify([source, opts.seed])), fingerprintSource: `${source.type} source` };
	if (source.type === 'inline') return { ...fromRows(source.rows as Row[]), ...described };
	if (source.type === 'dataset') {
		const info = staticDataInfo(source)!;
		return {
			table: tableFromRows(loadDataset(source.name), info.columns),
			columns: info.columns,
			numeric: info.numeric,
			info,
			...described,
		};
	}
	const info = staticDataInfo(source)!;
	return { table: generateTable(source, opts.seed), columns: info.columns, numeric: info.numeric, info, ...described };
}

/** `sha256:<hex>` of bytes or text. */
export function sha256(data: string | Uint8Array): string {
	return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The same as row objects (small sources and tests; training uses the table). */
export async function loadRows(
	source: SourceConfig,
	opts: { policy: PathPolicy; seed: number; columns?: readonly string[] },
): Promise<LoadedRows> {
	const { table, ...rest } = await loadTable(source, opts);
	return { ...rest, rows: tableRows(table) };
}

function fromRows(rows: Row[]): Omit<LoadedTable, 'fingerprint' | 'fingerprintSource'> {
	const info = infoFromRows(rows);
	return { table: tableFromRows(rows, info.columns), columns: info.columns, numeric: numericColumns(rows, info.columns), info };
}
