/**
 * engine/data CSV reader and columnar preparation: the reader against the one it replaced (csv-parse
 * plus the old numeric detection, re-implemented below) on random texts read in random chunk sizes;
 * quoted fields, BOMs, delimiters, missing values, categorical columns, errors at the right line;
 * numbers read from characters equal `Number`; the columnar transforms equal the row-by-row ones.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parse } from 'csv-parse/sync';
import { createRng, type Rng } from '../../engine/core/random';
import { resolveConfig } from '../../engine/core/config/resolve';
import { readCsv as readCsvRows, readCsvTable, DataError, DEFAULT_MISSING, type CsvOptions } from '../../engine/runtime/data/csv';
import { prepareData, PREVIEW_ROWS } from '../../engine/runtime/data/prepare';
import {
	transformRow,
	transformTable,
	encodeLabels,
	encodeLabel,
	classIndex,
	type FeatureTransform,
} from '../../engine/runtime/data/preprocess';
import { tableFromRows, tableRows, type Row } from '../../engine/runtime/data/table';
import { splitIndices } from '../../engine/runtime/data/split';
import { shuffleInPlace } from '../../engine/core/random';

/** readCsv with its rows as plain objects: the engine's rows have no prototype (a column may be named `__proto__`). */
const readCsv = async (...args: Parameters<typeof readCsvRows>) => {
	const r = await readCsvRows(...args);
	return { ...r, rows: r.rows.map((x) => ({ ...x })) };
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-csv-'));
let fileNo = 0;
const write = (text: string | Buffer, name = `f${fileNo++}.csv`) => {
	const f = path.join(tmp, name);
	fs.writeFileSync(f, text);
	return f;
};

type Outcome = { columns: string[]; rows: Row[]; numeric: string[] } | { error: string; line?: number; csv?: boolean };

/**
 * The reader this one replaced: csv-parse records, then numeric detection over all rows (errors at
 * csv-parse's line). The first error in the file wins: a short row before a broken quote is reported.
 */
function reference(text: string, opts: CsvOptions, name: string): Outcome {
	const options = { delimiter: opts.delimiter ?? ',', bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true };
	type Rec = { record: string[]; info: { lines: number } };
	let recs: Rec[];
	let broken: Outcome | undefined;
	try {
		recs = parse(text, options) as unknown as Rec[];
	} catch (err) {
		const line = (err as { lines?: number }).lines;
		broken = { error: String(err), ...(line ? { line } : {}), csv: true };
		try {
			// The records before the broken line, checked for the errors met before it.
			recs = line && line > 1 ? (parse(text, { ...options, to_line: line - 1 }) as unknown as Rec[]) : [];
		} catch {
			return broken;
		}
	}
	if (!recs.length) return broken ?? { error: `${name}: the file is empty (a header line is needed).` };
	const missing = new Set(opts.missingValues ?? DEFAULT_MISSING);
	const header = recs[0]!.record;
	const dup = header.find((h, i) => header.indexOf(h) !== i);
	if (dup !== undefined)
		return { error: `${name}:${recs[0]!.info.lines}: the header names column \`${dup}\` twice.`, line: recs[0]!.info.lines };
	const raw: (string | null)[][] = [];
	const lines: number[] = [];
	for (const { record, info } of recs.slice(1)) {
		if (record.length !== header.length) {
			const col = record.length < header.length ? header[record.length]! : `(extra field ${record.length})`;
			return {
				error: `${name}:${info.lines}: row has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${header.length}${record.length < header.length ? ` (column \`${col}\` is missing)` : ''}.`,
				line: info.lines,
			};
		}
		raw.push(record.map((v) => (missing.has(v) ? null : v)));
		lines.push(info.lines);
	}
	if (broken) return broken;
	const numeric: string[] = [];
	const rows: Row[] = raw.map(() => ({}));
	for (const [j, c] of header.entries()) {
		let nums = 0;
		let texts = 0;
		let firstBad = -1;
		raw.forEach((r, i) => {
			const v = r[j];
			if (v === null || v === undefined) return;
			if (Number.isFinite(Number(v))) nums++;
			else if (texts++ === 0) firstBad = i;
		});
		const isNum = nums > 0 && nums >= texts * 4;
		if (isNum && texts > 0)
			return {
				error: `${name}:${lines[firstBad]}: column \`${c}\` holds numbers, but this row has \`${raw[firstBad]![j]}\` (${texts} non-numeric value${texts === 1 ? '' : 's'} in this column; list missing-value markers in \`missingValues\`).`,
				line: lines[firstBad],
			};
		if (isNum) numeric.push(c);
		raw.forEach((r, i) => (rows[i]![c] = r[j] === null ? null : isNum ? Number(r[j]) : r[j]!));
	}
	return { columns: header, rows, numeric };
}

async function read(file: string, opts: CsvOptions): Promise<Outcome> {
	try {
		return await readCsv(file, opts);
	} catch (err) {
		assert.ok(err instanceof DataError, String(err));
		return { error: err.message, ...(err.line !== undefined ? { line: err.line } : {}) };
	}
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

const NUMBERS = [
	'12',
	'-3',
	'3.25',
	'1e3',
	'-2.5E-2',
	'.5',
	'5.',
	'-0',
	'+4',
	'0x1F',
	'007',
	'123456789012345678',
	'1.7976931348623157e308',
	'4.9e-324',
];
const TEXTS = ['cat', 'dog', 'Infinity', '1_0', 'x y', 'é', '1e', '-', '.'];
const SPACES = ['', ' ', '  ', '\t', '\u00a0'];

/** A random CSV text: numeric, mixed and text columns, quoting of every kind, blank lines, odd spacing. */
function randomCsv(rng: Rng, delimiter: string, eol: string, opts: { multiline: boolean; malformed: boolean; ragged: boolean }): string {
	const width = 1 + rng.int(5);
	const names = ['a', 'b', 'c', 'd', 'e', 'x y', 'f,g', 'q"uote'];
	const header = Array.from({ length: width }, (_, j) => (rng.next() < 0.05 ? pick(rng, names) : names[j]!));
	const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
	const cellText = (s: string) => {
		const needs = s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim();
		return needs || rng.next() < 0.15 ? quote(s) : s;
	};
	const lines = [header.map((h) => (h.includes(delimiter) || h.includes('"') ? quote(h) : h)).join(delimiter)];
	const kind = header.map(() => pick(rng, [1, 1, 0.97, 0.9, 0.5, 0]));
	const n = rng.int(30);
	for (let i = 0; i < n; i++) {
		if (rng.next() < 0.08) lines.push(pick(rng, ['', '  ', '\t']));
		let cells = header.map((_, j) => {
			const r = rng.next();
			if (r < 0.1) return pick(rng, DEFAULT_MISSING);
			const v = rng.next() < kind[j]! ? pick(rng, NUMBERS) : pick(rng, TEXTS);
			if (opts.multiline && rng.next() < 0.05) return quote(`${v}${pick(rng, ['\n', '\r\n'])}more`);
			if (rng.next() < 0.05) return quote(`${v}${delimiter}"x"`);
			// Not a no-break space after a closing quote: csv-parse skips only the first of its two UTF-8 bytes and then fails.
			const cell = cellText(v);
			return pick(rng, SPACES) + cell + pick(rng, cell.startsWith('"') ? SPACES.slice(0, -1) : SPACES);
		});
		if (opts.ragged && rng.next() < 0.03) cells = rng.next() < 0.5 ? cells.slice(1) : [...cells, '9'];
		if (opts.malformed && rng.next() < 0.03) cells[0] = pick(rng, ['a"b', '"unclosed', '"x"y', '"q" z']);
		lines.push(cells.join(delimiter));
	}
	return (rng.next() < 0.1 ? '\ufeff' : '') + lines.join(eol) + (rng.next() < 0.7 ? eol : '');
}

describe('engine/data CSV reader', () => {
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('reads random texts as the csv-parse reader did (records, numbers, missing values, errors), in any chunk size', async function () {
		this.timeout(120_000);
		const rng = createRng(2024);
		let compared = 0;
		let errors = 0;
		for (let t = 0; t < 600; t++) {
			const delimiter = pick(rng, [',', ',', ';', '\t', '||']);
			const eol = pick(rng, ['\n', '\n', '\r\n', '\r']);
			const multiline = rng.next() < 0.3;
			const text = randomCsv(rng, delimiter, eol, { multiline, malformed: rng.next() < 0.2, ragged: rng.next() < 0.3 });
			const missingValues = rng.next() < 0.2 ? ['NA', '-3'] : undefined;
			const opts: CsvOptions = {
				delimiter,
				displayName: 'r.csv',
				chunkBytes: pick(rng, [3, 5, 16, 64, 65536]),
				...(missingValues ? { missingValues } : {}),
			};
			const want = reference(text, opts, 'r.csv');
			const got = await read(write(text), opts);
			const ctx = `text ${t} ${JSON.stringify(text)} opts ${JSON.stringify(opts)}\nwant ${JSON.stringify(want).slice(0, 400)}\ngot  ${JSON.stringify(got).slice(0, 400)}`;
			if ('error' in want) {
				errors++;
				assert.ok('error' in got, ctx);
				if (want.csv) assert.match(got.error, /^r\.csv:\d+: .*quote/, ctx);
				// Where a record spans lines, csv-parse names its last line and this reader its first.
				else
					assert.equal(
						multiline ? got.error.replace(/^r\.csv:\d+:/, '') : got.error,
						multiline ? want.error.replace(/^r\.csv:\d+:/, '') : want.error,
						ctx,
					);
			} else assert.deepEqual(got, want, ctx);
			compared++;
		}
		assert.equal(compared, 600);
		assert.ok(errors > 30 && errors < 400, `${errors} errors`);
	});

	it('quoted fields: delimiters, doubled quotes, line breaks, spaces kept inside and trimmed outside', async () => {
		const f = write('name ; note;n\n  "Smith; J" ; "say ""hi""" ;1\n"two\nlines";" padded ";2\n"";x;3\n');
		const r = await readCsv(f, { delimiter: ';' });
		assert.deepEqual(r.columns, ['name', 'note', 'n']);
		assert.deepEqual(r.rows, [
			{ name: 'Smith; J', note: 'say "hi"', n: 1 },
			{ name: 'two\nlines', note: ' padded ', n: 2 },
			{ name: null, note: 'x', n: 3 },
		]);
	});

	it('BOMs, line endings and delimiters: UTF-8 BOM with CRLF, UTF-16LE, tab, old Mac \\r, a multi-character delimiter', async () => {
		const want = [
			{ a: 1, b: 'x' },
			{ a: 2.5, b: 'y' },
		];
		const read1 = async (text: string | Buffer, opts: CsvOptions = {}) => (await readCsv(write(text), opts)).rows;
		assert.deepEqual(await read1('\ufeffa,b\r\n1,x\r\n2.5,y\r\n'), want);
		assert.deepEqual(await read1(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,x\n2.5,y\n', 'utf16le')])), want);
		assert.deepEqual(await read1('a\tb\n1\tx\n2.5\ty', { delimiter: '\t' }), want);
		assert.deepEqual(await read1('a,b\r1,x\r\r2.5,y\r'), want);
		assert.deepEqual(await read1('a||b\n1||x\n2.5 || y\n', { delimiter: '||' }), want);
		// A BOM split across reads, and a file shorter than a BOM.
		assert.deepEqual(await read1('\ufeffa,b\n1,x\n2.5,y\n', { chunkBytes: 1 }), want);
		assert.deepEqual((await readCsv(write('a\n'))).columns, ['a']);
		// Any whitespace may follow a closing quote (csv-parse refused a no-break space there).
		assert.deepEqual(await read1('a,b\n"1"\u00a0,x\n2.5,"y"\u00a0\n'), want);
	});

	it('missing values: the default markers, custom ones (a number-like marker too), quoted empty fields', async () => {
		const r = await readCsv(write('a,b\nNA,1\n?,""\n-999,3\n2,null\n'));
		assert.deepEqual(
			r.rows.map((x) => x.a),
			[null, null, -999, 2],
		);
		assert.deepEqual(
			r.rows.map((x) => x.b),
			[1, null, 3, null],
		);
		const c = await readCsv(write('a,b\nNA,1\n-999,2\n,3\n'), { missingValues: ['-999', ''] });
		assert.deepEqual(c.numeric, ['b']);
		assert.deepEqual(
			c.rows.map((x) => x.a),
			['NA', null, null],
		);
		// Without '' as a marker an empty cell is the number 0, as Number('') is.
		assert.deepEqual((await readCsv(write('a,b\n1,2\n,3\n'), { missingValues: [] })).rows, [
			{ a: 1, b: 2 },
			{ a: 0, b: 3 },
		]);
	});

	it('categorical columns are dictionary-encoded and keep their texts; a column of numbers then words is read again as text', async () => {
		const lines = ['id,city,code'];
		for (let i = 0; i < 300; i++) lines.push(`${i},${['Paris', 'Lyon', 'Nice'][i % 3]},${i < 200 ? ['1.50', '007', '2'][i % 3] : 'K'}`);
		const { table, numeric } = await readCsvTable(write(lines.join('\n')), { chunkBytes: 100 });
		assert.deepEqual(numeric, ['id']);
		const city = table.data.get('city')!;
		assert.equal(city.kind, 'category');
		assert.ok(city.kind === 'category' && city.codes instanceof Int32Array);
		assert.deepEqual(city.kind === 'category' && city.dict, ['Paris', 'Lyon', 'Nice']);
		const code = table.data.get('code')!;
		assert.equal(code.kind, 'category');
		assert.deepEqual(
			tableRows(table, [0, 1, 2, 299]).map((r) => r.code),
			['1.50', '007', '2', 'K'],
		);
	});

	it('errors name the line where the record starts: after line breaks inside quotes, blank lines and CRLF', async () => {
		const ragged = write('a,b,c\r\n1,"two\r\nlines",3\r\n\r\n4,5\r\n', 'ragged.csv');
		const e = await read(ragged, { displayName: 'ragged.csv' });
		assert.deepEqual(e, { error: 'ragged.csv:5: row has 2 fields but the header has 3 (column `c` is missing).', line: 5 });
		const rows = ['x,y,note', '1,1,"a\nb"', ...Array.from({ length: 20 }, (_, i) => `${i},${i},n`)];
		rows[15] = '14,fourteen,n';
		const bad = await read(write(rows.join('\n'), 'bad.csv'), { displayName: 'bad.csv', chunkBytes: 7 });
		assert.equal('error' in bad && bad.line, 17);
		assert.match('error' in bad ? bad.error : '', /^bad\.csv:17: column `y` holds numbers, but this row has `fourteen`/);
		const quote = await read(write('a,b\n1,2\n\n3,"oops\n4,5\n', 'quote.csv'), { displayName: 'quote.csv' });
		assert.deepEqual(quote, { error: 'quote.csv:4: a quoted field opened on this line is never closed (quote not closed).', line: 4 });
		const inner = await read(write('a,b\n1,2\n3,ab"c\n', 'inner.csv'), { displayName: 'inner.csv' });
		assert.match('error' in inner ? inner.error : '', /^inner\.csv:3: invalid opening quote/);
		const dup = await read(write('\n\na,b,a\n1,2,3\n', 'dup.csv'), { displayName: 'dup.csv' });
		assert.deepEqual(dup, { error: 'dup.csv:3: the header names column `a` twice.', line: 3 });
	});

	it('numbers read from the characters equal Number() of the text', async () => {
		const rng = createRng(7);
		const texts: string[] = [];
		for (let i = 0; i < 20000; i++) {
			const digits = (k: number) => Array.from({ length: k }, () => rng.int(10)).join('');
			let s = pick(rng, ['', '', '-', '+']) + digits(rng.int(18));
			if (rng.next() < 0.6) s += '.' + digits(rng.int(18));
			if (rng.next() < 0.3) s += pick(rng, ['e', 'E']) + pick(rng, ['', '-', '+']) + String(rng.int(rng.next() < 0.8 ? 25 : 400));
			if (Number.isFinite(Number(s)) && s !== '' && s.trim() === s) texts.push(s);
		}
		texts.push('0', '-0', '0.0', '9007199254740993', '0.1', '0.2', '123456789012345', '1234567890123456', '1e22', '1e23', '1e-22', '1e-23');
		const r = await readCsv(write(['v', ...texts].join('\n')), { missingValues: [] });
		assert.deepEqual(r.numeric, ['v']);
		texts.forEach((s, i) => assert.ok(Object.is(r.rows[i]!.v, Number(s)), `${s}: ${r.rows[i]!.v} vs ${Number(s)}`));
	});

	it('only the columns asked for are kept, in the order asked', async () => {
		const { table, numeric } = await readCsvTable(write('a,b,c\n1,x,2\n3,y,4\n'), { columns: ['c', 'a', 'c'] });
		assert.deepEqual(table.columns, ['c', 'a']);
		assert.deepEqual(numeric, ['c', 'a']);
		await assert.rejects(
			readCsvTable(write('a,b\n1,2\n'), { columns: ['z'], displayName: 'z.csv' }),
			/^Error: z\.csv: no column `z` \(columns: a, b\)\./,
		);
	});
});

describe('engine/data columnar preparation', () => {
	it('transformTable and encodeLabels write what transformRow and encodeLabel write, and fail on the same row', () => {
		const rng = createRng(11);
		for (let t = 0; t < 200; t++) {
			const n = 1 + rng.int(40);
			const rows: Row[] = Array.from({ length: n }, () => ({
				num: rng.next() < 0.15 ? null : rng.int(5) - 2 + (rng.next() < 0.5 ? 0.5 : 0),
				txt: rng.next() < 0.15 ? null : pick(rng, ['a', 'b', 'c', '12']),
				mix: rng.next() < 0.15 ? null : pick<string | number>(rng, [1, '1', 2, 'two']),
				inf: rng.next() < 0.02 ? Infinity : 1,
				y: pick<string | number>(rng, [0, 1, 2]),
			}));
			const steps = ['none', 'standardize', 'minMax', 'oneHot', 'labelEncode'] as const;
			const features: FeatureTransform[] = ['num', 'txt', 'mix', 'inf'].map((column) => {
				const step = pick(rng, steps);
				const f: FeatureTransform = { column, step, fill: 'mean', params: [0.5, 2] };
				if (step === 'oneHot' || step === 'labelEncode') f.categories = pick(rng, [[1, 'a', 'b', -2], ['1', 'c', 2, 0.5], []]);
				if (rng.next() < 0.7) f.fillValue = pick<string | number>(rng, [0, 1.5, 'a', 'zz']);
				return f;
			});
			const width = features.reduce((w, f) => w + (f.step === 'oneHot' ? f.categories!.length : 1), 0);
			// All rows shuffled (written in table order), a few of them (gathered), or some twice.
			const shuffled = Array.from({ length: n }, (_, i) => i).sort(() => rng.next() - 0.5);
			const order = pick(rng, [shuffled, shuffled.slice(0, Math.floor(n / 5)), [...shuffled, ...shuffled.slice(0, 3)]]);
			const label = { column: 'y', encoding: pick(rng, ['value', 'binary', 'hinge', 'oneHot', 'index'] as const), classes: [0, 1, 2] };
			const m = order.length;
			let want: Float32Array | string = new Float32Array(m * width);
			try {
				order.forEach((i, j) => transformRow(features, rows[i]!, want as Float32Array, j * width, `row ${j + 1}: `));
			} catch (err) {
				want = (err as Error).message;
			}
			let got: Float32Array | string = new Float32Array(m * width);
			try {
				transformTable(
					features,
					tableFromRows(rows, ['num', 'txt', 'mix', 'inf', 'y']),
					Int32Array.from(order),
					got as Float32Array,
					width,
					'row',
				);
			} catch (err) {
				got = (err as Error).message;
			}
			assert.deepEqual(got, want, `case ${t}`);
			const yw = label.encoding === 'oneHot' ? 3 : 1;
			const wantY = new Float32Array(m * yw);
			const wantC = new Int32Array(m);
			order.forEach((i, j) => {
				encodeLabel({ label }, rows[i]!.y, wantY, j * yw);
				wantC[j] = classIndex({ label }, rows[i]!.y);
			});
			const gotY = new Float32Array(m * yw);
			const gotC = new Int32Array(m);
			encodeLabels({ label }, tableFromRows(rows, ['y']), order, gotY, gotC);
			assert.deepEqual(gotY, wantY);
			assert.deepEqual(gotC, wantC);
		}
	});

	it('splits draw the same rows as the array version they replaced (seeded, stratified or not, shuffled or not)', () => {
		const before = (n: number, o: { validation: number; test: number; seed: number; shuffle?: boolean; labels?: number[] }) => {
			const rng = createRng(o.seed);
			const by = new Map<number, number[]>();
			for (let i = 0; i < n; i++) {
				const l = o.labels ? o.labels[i]! : 0;
				if (!by.has(l)) by.set(l, []);
				by.get(l)!.push(i);
			}
			const out = { train: [] as number[], validation: [] as number[], test: [] as number[] };
			for (const [, g] of [...by.entries()].sort((a, b) => a[0] - b[0])) {
				if (o.shuffle !== false) shuffleInPlace(g, rng);
				const nt = Math.round(g.length * o.test);
				const nv = Math.round(g.length * o.validation);
				out.train.push(...g.slice(0, g.length - nt - nv));
				out.validation.push(...g.slice(g.length - nt - nv, g.length - nt));
				out.test.push(...g.slice(g.length - nt));
			}
			for (const k of ['train', 'validation', 'test'] as const)
				if (o.labels && o.shuffle !== false) shuffleInPlace(out[k], rng);
				else if (o.labels) out[k].sort((a, b) => a - b);
			return out;
		};
		const rng = createRng(5);
		for (let t = 0; t < 100; t++) {
			const n = rng.int(500);
			const classes = 1 + rng.int(4);
			const o = {
				validation: pick(rng, [0, 0.1, 0.25]),
				test: pick(rng, [0, 0.2]),
				seed: rng.int(1000),
				shuffle: rng.next() < 0.8,
				...(rng.next() < 0.5 ? { labels: Array.from({ length: n }, () => rng.int(classes) * 3 - 2) } : {}),
			};
			assert.deepEqual(splitIndices(n, o), before(n, o), JSON.stringify(o));
		}
	});

	it('tables from rows keep 1 and "1" apart and treat null, absent and NaN as missing', () => {
		const t = tableFromRows([{ a: 1, b: 1 }, { a: '1', b: null }, { b: NaN }, { a: null, b: 2 }] as Row[], ['a', 'b']);
		const a = t.data.get('a')!;
		assert.ok(a.kind === 'category');
		assert.deepEqual([...a.codes], [0, 1, -1, -1]);
		assert.deepEqual(a.dict, [1, '1']);
		assert.deepEqual(
			tableRows(t).map((r) => r.b),
			[1, null, null, 2],
		);
	});

	it('prepareData keeps no reference to the loaded table (its columns are freed before training)', async () => {
		v8.setFlagsFromString('--expose-gc');
		const gc = vm.runInNewContext('gc') as () => void;
		const config = resolveConfig({
			seed: 1,
			data: { source: { type: 'linear', samples: 1_000_000 }, split: { validation: 0.1 } },
			model: { layers: [{ type: 'dense', units: 1 }] },
			training: { loss: 'meanSquaredError' },
		});
		// Array buffers are released by a later collection than the one that finds them dead.
		const collect = async () => {
			gc();
			await new Promise((r) => setTimeout(r, 20));
			gc();
		};
		await collect();
		const before = process.memoryUsage().arrayBuffers;
		const d = await prepareData(config, { configDir: tmp });
		await collect();
		const held = process.memoryUsage().arrayBuffers - before;
		// x and y as float32 (8 MB) and the split's row numbers (4 MB); the table's float64 columns are 16 MB more.
		assert.ok(held < 14 * 2 ** 20, `${(held / 2 ** 20).toFixed(1)} MB of array buffers still held`);
		assert.equal(d.train.n + d.validation!.n, 1_000_000);
	});

	it('prepareData keeps typed arrays for every row but row objects only for the first PREVIEW_ROWS of a split', async () => {
		const config = resolveConfig({
			seed: 1,
			data: { source: { type: 'linear', samples: 12_000 }, scale: 'standardize', split: { validation: 0.5 } },
			model: { layers: [{ type: 'dense', units: 1 }] },
			training: { loss: 'meanSquaredError' },
		});
		const d = await prepareData(config, { configDir: tmp });
		assert.equal(d.train.n, 6000);
		assert.equal(d.train.x.length, 6000);
		assert.equal(d.validation!.rows.length, PREVIEW_ROWS);
		assert.equal(d.validation!.rows, d.validation!.rows, 'built once');
		const first = d.validation!.rows[0]!;
		assert.equal(
			Math.fround(((first.x as number) - d.preprocessing.features[0]!.params![0]) / d.preprocessing.features[0]!.params![1]),
			d.validation!.x[0],
		);
	});
});
