/**
 * Streaming CSV reader: a real parser (csv-parse), header line, quoted fields, missing values,
 * numeric/categorical detection, and errors that name the line and column. Only the columns
 * asked for are kept, so memory is bounded by the data actually used.
 */
import * as fs from 'node:fs';
import { parse } from 'csv-parse';
import type { Row } from './generators';

export class DataError extends Error {
	constructor(
		message: string,
		readonly file?: string,
		readonly line?: number,
		readonly column?: string,
	) {
		super(message);
	}
}

export interface CsvOptions {
	delimiter?: string;
	missingValues?: readonly string[];
	/** Keep only these columns (all when undefined). */
	columns?: readonly string[];
	/** Name used in messages (the path as written in the config). */
	displayName?: string;
}

export interface CsvResult {
	columns: string[];
	rows: Row[];
	numeric: string[];
}

const DEFAULT_MISSING = ['', 'NA', 'NaN', 'null', '?'];

export async function readCsv(file: string, opts: CsvOptions = {}): Promise<CsvResult> {
	const name = opts.displayName ?? file;
	const missing = new Set(opts.missingValues ?? DEFAULT_MISSING);
	const parser = fs
		.createReadStream(file)
		.pipe(parse({ delimiter: opts.delimiter ?? ',', bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }));
	let header: string[] | undefined;
	let keep: number[] = [];
	const raw: (string | null)[][] = [];
	const lines: number[] = [];
	try {
		for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
			const { record, info } = rec;
			if (!header) {
				header = record;
				const dup = header.find((h, i) => header!.indexOf(h) !== i);
				if (dup !== undefined)
					throw new DataError(`${name}:${info.lines}: the header names column \`${dup}\` twice.`, file, info.lines, dup);
				if (opts.columns) {
					const miss = opts.columns.filter((c) => !header!.includes(c));
					if (miss.length)
						throw new DataError(
							`${name}: no column ${miss.map((m) => `\`${m}\``).join(', ')} (columns: ${header.join(', ')}).`,
							file,
							info.lines,
							miss[0],
						);
					keep = opts.columns.map((c) => header!.indexOf(c));
				} else keep = header.map((_, i) => i);
				continue;
			}
			if (record.length !== header.length) {
				const col = record.length < header.length ? header[record.length]! : `(extra field ${record.length})`;
				throw new DataError(
					`${name}:${info.lines}: row has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${header.length}${record.length < header.length ? ` (column \`${col}\` is missing)` : ''}.`,
					file,
					info.lines,
					col,
				);
			}
			raw.push(
				keep.map((i) => {
					const v = record[i]!;
					return missing.has(v) ? null : v;
				}),
			);
			lines.push(info.lines);
		}
	} catch (err) {
		if (err instanceof DataError) throw err;
		const e = err as { message?: string; lines?: number };
		throw new DataError(`${name}${e.lines ? `:${e.lines}` : ''}: ${e.message ?? String(err)}`, file, e.lines);
	}
	if (!header) throw new DataError(`${name}: the file is empty (a header line is needed).`, file);
	const columns = keep.map((i) => header[i]!);
	// A column is numeric when most of its values are numbers; then a non-number is an error, located.
	const numeric: string[] = [];
	const rows: Row[] = raw.map(() => ({}));
	columns.forEach((c, j) => {
		let nums = 0;
		let texts = 0;
		let firstBad = -1;
		for (let r = 0; r < raw.length; r++) {
			const v = raw[r]![j];
			if (v === null || v === undefined) continue;
			if (Number.isFinite(Number(v))) nums++;
			else {
				texts++;
				if (firstBad < 0) firstBad = r;
			}
		}
		const isNum = nums > 0 && nums >= texts * 4;
		if (isNum && texts > 0) {
			throw new DataError(
				`${name}:${lines[firstBad]}: column \`${c}\` holds numbers, but this row has \`${raw[firstBad]![j]}\` (${texts} non-numeric value${texts === 1 ? '' : 's'} in this column; list missing-value markers in \`missingValues\`).`,
				file,
				lines[firstBad],
				c,
			);
		}
		if (isNum) numeric.push(c);
		for (let r = 0; r < raw.length; r++) {
			const v = raw[r]![j] ?? null;
			rows[r]![c] = v === null ? null : isNum ? Number(v) : v;
		}
	});
	return { columns, rows, numeric };
}
