/**
 * Streaming CSV reader that parses straight into columns (table.ts): numbers into Float64Arrays,
 * text dictionary-encoded, no row objects, only the columns asked for kept. Memory is the data used,
 * once; a 2-million-row file is a few hundred MB of typed arrays, not millions of objects.
 *
 * The grammar is csv-parse's with `{ bom, trim, skip_empty_lines, relax_column_count }` (what this
 * reader used before, and what the head probe in engine/io/probe.ts still uses; the tests compare
 * both on random texts): a header line; UTF-8 (or UTF-16LE) BOM skipped; records end at the first
 * line ending seen outside quotes (\r\n, \n or \r) and only at that one; fields are trimmed of
 * whitespace unless quoted; `"` opens a quoted field only at its start, `""` inside is a quote, and
 * only whitespace may follow its closing quote; blank lines are skipped. Lines without a quote take
 * a fast path (split on the delimiter, numbers read from the characters); records with quotes, and
 * files with a multi-character delimiter, take the general state machine.
 *
 * Numeric detection as before: a column is numeric when most of its values are numbers (`Number`
 * of the text is finite); then a non-number in it is an error that names its line. Errors name the
 * file line where the record starts.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { tableRows, type Column, type Row, type Table } from './table';
import { tr } from '../messages';
import { list } from '../../core/l10n';

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
	/** Bytes per read (default 64 KB; tests use a few bytes to split records and characters across reads). */
	chunkBytes?: number;
}

export interface CsvResult {
	columns: string[];
	rows: Row[];
	numeric: string[];
}

export interface CsvTable {
	table: Table;
	/** The columns whose values are numbers (missing values aside), in column order. */
	numeric: string[];
	/** `sha256:<hex>` of the file's bytes (hashed while reading: the data fingerprint of a run). */
	sha256: string;
	/** The file line where row `i` (0-based) starts: what messages and reports call "line N". */
	lineOf: (row: number) => number;
}

export const DEFAULT_MISSING = ['', 'NA', 'NaN', 'null', '?'];

/** Reads a CSV file into a table of the kept columns. */
export async function readCsvTable(file: string, opts: CsvOptions = {}): Promise<CsvTable> {
	const first = await parseFile(file, opts, new Set());
	if (first.table) return first.table;
	// A column read as numbers turned out to be text: read again keeping its texts from the start.
	const again = await parseFile(file, opts, first.reparse!);
	return again.table!;
}

/** Reads a CSV file into row objects (small files: predict input, tests). */
export async function readCsv(file: string, opts: CsvOptions = {}): Promise<CsvResult> {
	const { table, numeric } = await readCsvTable(file, opts);
	return { columns: [...table.columns], rows: tableRows(table), numeric };
}

async function parseFile(
	file: string,
	opts: CsvOptions,
	forceText: ReadonlySet<string>,
): Promise<{ table?: CsvTable; reparse?: Set<string> }> {
	const parser = new CsvParser(file, opts, forceText, (await fs.promises.stat(file)).size);
	// 64 KB chunks: their strings stay in V8's young generation (larger ones are fresh large-object pages, many times slower).
	const stream = fs.createReadStream(file, { highWaterMark: opts.chunkBytes ?? 1 << 16 });
	const hash = createHash('sha256');
	let decoder: StringDecoder | undefined;
	let head = Buffer.alloc(0);
	let carry = '';
	let wait = 0;
	for await (const chunk of stream as AsyncIterable<Buffer>) {
		parser.bytesRead += chunk.length;
		hash.update(chunk);
		let buf = chunk;
		if (!decoder) {
			// The encoding is decided on the first 3 bytes.
			head = Buffer.concat([head, chunk]);
			if (head.length < 3) continue;
			[decoder, buf] = withoutBom(head);
		}
		const text = carry + decoder.write(buf);
		// A record longer than a chunk: parse again only once the text has doubled (linear, not quadratic).
		if (text.length < wait) {
			carry = text;
			continue;
		}
		const used = parser.feed(text, false);
		carry = text.slice(used);
		wait = carry.length > 1 << 20 ? carry.length * 2 : 0;
	}
	if (!decoder) {
		const [d, buf] = withoutBom(head);
		decoder = d;
		carry = d.write(buf);
	}
	parser.feed(carry + decoder.end(), true);
	const out = parser.finish();
	if (out.table) out.table.sha256 = `sha256:${hash.digest('hex')}`;
	return out;
}

/** csv-parse's BOMs: UTF-8 is skipped; UTF-16LE is skipped and switches the decoding. */
function withoutBom(buf: Buffer): [StringDecoder, Buffer] {
	if (buf[0] === 0xff && buf[1] === 0xfe) return [new StringDecoder('utf16le'), buf.subarray(2)];
	return [new StringDecoder('utf8'), buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf];
}

const enum Mode {
	/** Numbers so far, stored as float64 (missing = NaN). */
	Num,
	/** Text: dictionary codes (missing = -1). */
	Text,
	/** Numbers then a text: values are only counted (an error, or read again as text). */
	Count,
}

const enum Rd {
	Unknown,
	Lf,
	CrLf,
	Cr,
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** ECMAScript whitespace and line terminators: what `String.prototype.trim` and csv-parse's trim remove. */
function isSpace(c: number): boolean {
	return c <= 32
		? c === 32 || (c >= 9 && c <= 13)
		: c >= 0xa0 &&
				(c === 0xa0 ||
					c === 0x1680 ||
					(c >= 0x2000 && c <= 0x200a) ||
					c === 0x2028 ||
					c === 0x2029 ||
					c === 0x202f ||
					c === 0x205f ||
					c === 0x3000 ||
					c === 0xfeff);
}

/** Exact powers of ten: a mantissa below 2^53 times or over one of these rounds once, like `Number`. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

class ColState {
	mode: Mode;
	nums = 0;
	texts = 0;
	firstBadLine = 0;
	firstBadValue = '';
	/** Values (Num) or dictionary codes (Text), `capacity` long; only the first n rows are ever written. */
	cur: Float64Array = new Float64Array(0);
	codes: Int32Array = new Int32Array(0);
	readonly dict = new Map<string, number>();
	readonly values: string[] = [];
	/** Per dictionary entry: does its text read as a number? */
	readonly valueIsNum: boolean[] = [];

	constructor(
		readonly name: string,
		text: boolean,
	) {
		this.mode = text ? Mode.Text : Mode.Num;
	}

	/** Moves the first `rows` values into arrays of `capacity`. */
	resize(capacity: number, rows: number): void {
		if (this.mode === Mode.Num) {
			const a = new Float64Array(capacity);
			a.set(this.cur.subarray(0, rows));
			this.cur = a;
		} else if (this.mode === Mode.Text) {
			const a = new Int32Array(capacity);
			a.set(this.codes.subarray(0, rows));
			this.codes = a;
		}
	}

	bad(line: number, value: string): void {
		if (this.texts++ === 0) {
			this.firstBadLine = line;
			this.firstBadValue = value;
		}
	}

	/** Adds a text to the dictionary; returns its code. */
	code(s: string, line: number): number {
		let k = this.dict.get(s);
		if (k === undefined) {
			k = this.values.length;
			this.dict.set(s, k);
			this.values.push(s);
			this.valueIsNum.push(Number.isFinite(Number(s)));
		}
		if (this.valueIsNum[k]) this.nums++;
		else this.bad(line, s);
		return k;
	}

	/**
	 * The first text among numbers (at row `row`): with no number before it the column turns to text
	 * (returns true); else its values are only counted from here.
	 */
	leaveNumbers(row: number, capacity: number): boolean {
		this.cur = new Float64Array(0);
		if (this.nums > 0) {
			this.mode = Mode.Count;
			return false;
		}
		this.mode = Mode.Text;
		// Every row so far was missing.
		this.codes = new Int32Array(capacity);
		this.codes.fill(-1, 0, row);
		return true;
	}

	/** The column of the first n rows (a view unless most of the array is spare: pages never written are not resident). */
	column(n: number): Column {
		const trim = <T extends Float64Array | Int32Array>(a: T): T =>
			a.length > 2 * n + 1024 ? (a.slice(0, n) as T) : (a.subarray(0, n) as T);
		return this.mode === Mode.Num
			? { kind: 'number', values: trim(this.cur) }
			: { kind: 'category', codes: trim(this.codes), dict: this.values };
	}
}

class CsvParser {
	private readonly name: string;
	private readonly delim: string;
	private readonly d0: number;
	private readonly missing: Set<string>;
	/** Numbers may be read from the characters (single-character delimiter that cannot be part of a number, no missing marker that reads as a number). */
	private readonly fastNumbers: boolean;
	/** Lines may be split without the general state machine. */
	private readonly fastLines: boolean;
	private rd = Rd.Unknown;
	private header: string[] | undefined;
	private slots: (ColState | undefined)[] = [];
	private states: ColState[] = [];
	private n = 0;
	/** Rows the column arrays hold (grown from an estimate by file size, so they are rarely copied). */
	private capacity = 0;
	bytesRead = 0;
	/** The file line of the next unread character. */
	private line = 1;
	/** Where row numbers and file lines stop differing by a constant (blank lines, records over several lines): [row, line - row] pairs. */
	private readonly lineSteps: number[] = [];
	private num = 0;
	// The general parser's record.
	private gFields: string[] = [];
	private gEnd = 0;
	private gLine = 0;
	private gNextLine = 0;

	constructor(
		private readonly file: string,
		private readonly opts: CsvOptions,
		private readonly forceText: ReadonlySet<string>,
		private readonly fileSize: number,
	) {
		this.name = opts.displayName ?? file;
		this.delim = opts.delimiter ?? ',';
		this.d0 = this.delim.charCodeAt(0);
		this.missing = new Set(opts.missingValues ?? DEFAULT_MISSING);
		this.fastLines = this.delim.length === 1 && this.d0 !== QUOTE && this.d0 !== CR && this.d0 !== LF;
		this.fastNumbers =
			this.fastLines &&
			!'0123456789+-.eE'.includes(this.delim) &&
			![...this.missing].some((m) => this.scanNumber(m, 0, m.length) === m.length);
	}

	private fail(message: string, line: number, column?: string): never {
		throw new DataError(tr('csv.at', { file: this.name, line, message }), this.file, line, column);
	}

	/** Parses the complete records of `text`; returns how much of it was used (the rest is carried over). */
	feed(text: string, final: boolean): number {
		let pos = 0;
		const len = text.length;
		let quotePos = -1;
		let lfPos = -1;
		while (pos < len) {
			if (!this.header || !this.fastLines) {
				const r = this.general(text, pos, final);
				if (r === 'need') return pos;
				if (r === 'end') return len;
				this.record(this.gFields, this.gLine);
				pos = this.gEnd;
				this.line = this.gNextLine;
				continue;
			}
			const rd = this.rd;
			let nl = text.indexOf(rd === Rd.Cr ? '\r' : '\n', pos);
			if (nl < 0) {
				if (!final) return pos;
				nl = len;
			}
			let e = nl;
			let simple = true;
			if (rd === Rd.CrLf) {
				if (nl > pos && text.charCodeAt(nl - 1) === CR) e = nl - 1;
				else if (nl < len || text.charCodeAt(len - 1) === CR) simple = false;
			} else if (rd === Rd.Cr) {
				if (lfPos < pos) lfPos = text.indexOf('\n', pos) >>> 0;
				if (lfPos < e) simple = false;
			} else if (rd === Rd.Unknown) simple = false;
			if (simple) {
				if (quotePos < pos) quotePos = text.indexOf('"', pos) >>> 0;
				if (quotePos < e) simple = false;
			}
			if (!simple) {
				const r = this.general(text, pos, final);
				if (r === 'need') return pos;
				if (r === 'end') return len;
				this.record(this.gFields, this.gLine);
				pos = this.gEnd;
				this.line = this.gNextLine;
				continue;
			}
			this.fastRecord(text, pos, e);
			this.line++;
			pos = nl + 1;
		}
		return len;
	}

	/**
	 * Room for one more row. Once 1 MB is read, the rows per byte so far times the file size (bytes
	 * read include at most one unparsed chunk, so this overshoots a little): one copy, rarely two.
	 */
	private grow(): void {
		const estimate = this.bytesRead >= 1 << 20 ? Math.ceil((this.fileSize / this.bytesRead) * this.n * 1.1) + 1024 : 0;
		this.capacity = Math.max(Math.ceil(this.capacity * (estimate ? 1.25 : 4)), estimate, this.n + 1024);
		for (const st of this.states) st.resize(this.capacity, this.n);
	}

	/** One line without quotes, [s, e). */
	private fastRecord(text: string, s: number, e: number): void {
		const d0 = this.d0;
		// Blank lines (whitespace only, no delimiter) are skipped.
		if (s === e) return;
		const c0 = text.charCodeAt(s);
		if (c0 !== d0 && isSpace(c0)) {
			let k = s + 1;
			while (k < e) {
				const c = text.charCodeAt(k);
				if (c === d0 || !isSpace(c)) break;
				k++;
			}
			if (k === e) return;
		}
		const width = this.header!.length;
		if (this.n === this.capacity) this.grow();
		const slot = this.n;
		const line = this.line;
		this.noteLine(slot, line);
		let f = 0;
		let p = s;
		for (;;) {
			const st = f < width ? this.slots[f] : undefined;
			let q = -1;
			if (st !== undefined && st.mode !== Mode.Text && this.fastNumbers) {
				q = this.scanNumber(text, p, e);
				if (q >= 0) {
					if (st.mode === Mode.Num) st.cur[slot] = this.num;
					st.nums++;
				}
			}
			if (q < 0) {
				q = p;
				while (q < e && text.charCodeAt(q) !== d0) q++;
				if (st !== undefined) this.add(st, text.slice(p, q).trim(), slot, line);
			}
			f++;
			if (q >= e) break;
			p = q + 1;
		}
		if (f !== width) this.ragged(f, line);
		this.n++;
	}

	private noteLine(row: number, line: number): void {
		const steps = this.lineSteps;
		if (steps.length === 0 || steps[steps.length - 1] !== line - row) steps.push(row, line - row);
	}

	/** Row → file line, from the few steps recorded (binary search). */
	lineOf(): (row: number) => number {
		const steps = Int32Array.from(this.lineSteps);
		return (row) => {
			let lo = 0;
			let hi = steps.length / 2 - 1;
			if (hi < 0) return row + 2;
			while (lo < hi) {
				const mid = (lo + hi + 1) >> 1;
				if (steps[2 * mid]! <= row) lo = mid;
				else hi = mid - 1;
			}
			return row + steps[2 * lo + 1]!;
		};
	}

	private ragged(count: number, line: number): never {
		const header = this.header!;
		const col = count < header.length ? header[count]! : tr('csv.extraField', { n: count });
		this.fail(
			count >= header.length
				? tr('csv.ragged.extra', { count, header: header.length })
				: count === 1
					? tr('csv.ragged.missingOne', { header: header.length, column: col })
					: tr('csv.ragged.missing', { count, header: header.length, column: col }),
			line,
			col,
		);
	}

	/** A field's text (trimmed, or a quoted field's content) into its column. */
	private add(st: ColState, s: string, slot: number, line: number): void {
		if (this.missing.has(s)) {
			if (st.mode === Mode.Num) st.cur[slot] = NaN;
			else if (st.mode === Mode.Text) st.codes[slot] = -1;
			return;
		}
		if (st.mode === Mode.Text) {
			st.codes[slot] = st.code(s, line);
			return;
		}
		const v = Number(s);
		if (Number.isFinite(v)) {
			if (st.mode === Mode.Num) st.cur[slot] = v;
			st.nums++;
			return;
		}
		if (st.mode === Mode.Num && st.leaveNumbers(this.n, this.capacity)) {
			st.codes[slot] = st.code(s, line);
			return;
		}
		st.bad(line, s);
	}

	/** A record from the general parser (the header first). */
	private record(fields: string[], line: number): void {
		if (!this.header) {
			this.setHeader(fields, line);
			return;
		}
		if (fields.length !== this.header.length) this.ragged(fields.length, line);
		if (this.n === this.capacity) this.grow();
		const slot = this.n;
		this.noteLine(slot, line);
		for (let f = 0; f < fields.length; f++) {
			const st = this.slots[f];
			if (st !== undefined) this.add(st, fields[f]!, slot, line);
		}
		this.n++;
	}

	private setHeader(header: string[], line: number): void {
		const seen = new Set<string>();
		for (const h of header) {
			if (seen.has(h)) this.fail(tr('csv.headerTwice', { column: h }), line, h);
			seen.add(h);
		}
		const wanted = this.opts.columns ? [...new Set(this.opts.columns)] : header;
		const miss = wanted.filter((c) => !seen.has(c));
		if (miss.length)
			throw new DataError(
				tr('csv.noColumns', { file: this.name, missing: list(miss.map((m) => `\`${m}\``)), columns: header.join(', ') }),
				this.file,
				line,
				miss[0],
			);
		this.header = header;
		this.states = wanted.map((c) => new ColState(c, this.forceText.has(c)));
		this.slots = header.map(() => undefined);
		this.states.forEach((st) => (this.slots[header.indexOf(st.name)] = st));
	}

	/**
	 * A number in [p, e) up to the delimiter, read from the characters: [+-]digits[.digits][(e|E)[+-]digits]
	 * with at most 15 significant digits and a decimal exponent within ±22, so one multiplication or
	 * division by an exact power of ten gives the correctly rounded value, the one `Number` gives.
	 * Returns the end (the delimiter or e) and sets `num`; -1 for anything else (read by `Number` then).
	 */
	private scanNumber(text: string, p: number, e: number): number {
		const d0 = this.d0;
		let i = p;
		let c = i < e ? text.charCodeAt(i) : -1;
		let neg = false;
		if (c === 45 || c === 43) {
			neg = c === 45;
			c = ++i < e ? text.charCodeAt(i) : -1;
		}
		let m = 0;
		let sig = 0;
		let frac = 0;
		let digits = false;
		while (c >= 48 && c <= 57) {
			digits = true;
			if (m !== 0 || c !== 48) {
				m = m * 10 + (c - 48);
				sig++;
			}
			c = ++i < e ? text.charCodeAt(i) : -1;
		}
		if (c === 46) {
			c = ++i < e ? text.charCodeAt(i) : -1;
			while (c >= 48 && c <= 57) {
				digits = true;
				if (m !== 0 || c !== 48) {
					m = m * 10 + (c - 48);
					sig++;
				}
				frac++;
				c = ++i < e ? text.charCodeAt(i) : -1;
			}
		}
		if (!digits) return -1;
		let exp = 0;
		if (c === 101 || c === 69) {
			c = ++i < e ? text.charCodeAt(i) : -1;
			let eneg = false;
			if (c === 45 || c === 43) {
				eneg = c === 45;
				c = ++i < e ? text.charCodeAt(i) : -1;
			}
			let expDigits = false;
			while (c >= 48 && c <= 57) {
				expDigits = true;
				if (exp < 100000) exp = exp * 10 + (c - 48);
				c = ++i < e ? text.charCodeAt(i) : -1;
			}
			if (!expDigits) return -1;
			if (eneg) exp = -exp;
		}
		if ((c !== -1 && c !== d0) || sig > 15) return -1;
		const e10 = exp - frac;
		let v: number;
		if (m === 0) v = 0;
		else if (e10 === 0) v = m;
		else if (e10 > 0 && e10 <= 22) v = m * POW10[e10]!;
		else if (e10 < 0 && e10 >= -22) v = m / POW10[-e10]!;
		else return -1;
		this.num = neg ? -v : v;
		return i;
	}

	/** Length of the record delimiter at i (0 if none), discovering it at the first line ending. */
	private recordDelimiter(text: string, i: number): number {
		const c = text.charCodeAt(i);
		if (c !== CR && c !== LF) return 0;
		switch (this.rd) {
			case Rd.Lf:
				return c === LF ? 1 : 0;
			case Rd.Cr:
				return c === CR ? 1 : 0;
			case Rd.CrLf:
				return c === CR && text.charCodeAt(i + 1) === LF ? 2 : 0;
			default:
				if (c === LF) this.rd = Rd.Lf;
				else this.rd = text.charCodeAt(i + 1) === LF ? Rd.CrLf : Rd.Cr;
				return this.rd === Rd.CrLf ? 2 : 1;
		}
	}

	private isDelimiter(text: string, i: number): boolean {
		return text.charCodeAt(i) === this.d0 && (this.delim.length === 1 || text.startsWith(this.delim, i));
	}

	/** Line breaks in [a, b): \n, and \r not followed by \n. */
	private static breaks(text: string, a: number, b: number): number {
		let k = 0;
		for (let i = a; i < b; i++) {
			const c = text.charCodeAt(i);
			if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) k++;
		}
		return k;
	}

	/**
	 * csv-parse's state machine for one record from `pos` (blank lines before it skipped): sets gFields,
	 * gLine (its first line), gEnd and gNextLine. 'need' when the text ends before the record does.
	 */
	private general(text: string, pos: number, final: boolean): 'record' | 'need' | 'end' {
		const len = text.length;
		const look = this.delim.length + 2;
		const fields: string[] = [];
		let field = '';
		let quoting = false;
		let wasQuoting = false;
		let line = this.line;
		let start = line;
		let quoteLine = line;
		let i = pos;
		const finishField = () => {
			fields.push(wasQuoting ? field : field.trimEnd());
			field = '';
			wasQuoting = false;
		};
		for (;;) {
			if (i >= len || (!final && i + look > len)) {
				if (!final) return 'need';
				if (quoting) this.fail(tr('csv.quoteNotClosed'), quoteLine);
				if (!wasQuoting && fields.length === 0 && field.length === 0) {
					this.line = line;
					return 'end';
				}
				finishField();
				this.gFields = fields;
				this.gLine = start;
				this.gEnd = len;
				this.gNextLine = line;
				return 'record';
			}
			const c = text.charCodeAt(i);
			if (quoting) {
				if (c === QUOTE) {
					if (text.charCodeAt(i + 1) === QUOTE) {
						field += '"';
						i += 2;
						continue;
					}
					const nx = i + 1;
					if (nx >= len || this.isDelimiter(text, nx) || this.recordDelimiter(text, nx) > 0 || isSpace(text.charCodeAt(nx))) {
						quoting = false;
						wasQuoting = true;
						i++;
						continue;
					}
					this.fail(tr('csv.closingQuote', { char: text[nx]! }), line, this.header?.[fields.length]);
				}
				let q = text.indexOf('"', i);
				if (q < 0) q = len;
				field += text.slice(i, q);
				line += CsvParser.breaks(text, i, q);
				i = q;
				continue;
			}
			if (c === QUOTE) {
				if (field.length !== 0)
					this.fail(tr('csv.openingQuote', { n: fields.length + 1, field: `${field}"` }), line, this.header?.[fields.length]);
				quoting = true;
				quoteLine = line;
				i++;
				continue;
			}
			const rdl = this.recordDelimiter(text, i);
			if (rdl > 0) {
				i += rdl;
				line++;
				if (!wasQuoting && fields.length === 0 && field.length === 0) {
					// A blank line.
					pos = i;
					start = line;
					continue;
				}
				finishField();
				this.gFields = fields;
				this.gLine = start;
				this.gEnd = i;
				this.gNextLine = line;
				return 'record';
			}
			if (this.isDelimiter(text, i)) {
				finishField();
				i += this.delim.length;
				continue;
			}
			const space = isSpace(c);
			if (wasQuoting) {
				if (!space) this.fail(tr('csv.closingQuoteSpace', { char: text[i]! }), line, this.header?.[fields.length]);
				if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
				i++;
				continue;
			}
			if (field.length === 0 && space) {
				if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
				i++;
				continue;
			}
			// A run of ordinary characters.
			let j = i + 1;
			while (j < len) {
				const d = text.charCodeAt(j);
				if (d === QUOTE || d === CR || d === LF || d === this.d0) break;
				j++;
			}
			if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
			field += text.slice(i, j);
			i = j;
		}
	}

	finish(): { table?: CsvTable; reparse?: Set<string> } {
		if (!this.header) throw new DataError(tr('csv.empty', { file: this.name }), this.file);
		// A column is numeric when most of its values are numbers; then a non-number is an error, located.
		for (const st of this.states)
			if (st.texts > 0 && st.nums > 0 && st.nums >= st.texts * 4)
				this.fail(
					st.texts === 1
						? tr('csv.notNumeric.one', { column: st.name, value: String(st.firstBadValue) })
						: tr('csv.notNumeric.many', { column: st.name, value: String(st.firstBadValue), n: st.texts }),
					st.firstBadLine,
					st.name,
				);
		const reparse = new Set(this.states.filter((st) => st.mode === Mode.Count).map((st) => st.name));
		if (reparse.size) return { reparse: new Set([...this.forceText, ...reparse]) };
		const n = this.n;
		const data = new Map<string, Column>();
		const numeric: string[] = [];
		for (const st of this.states) {
			data.set(st.name, st.column(n));
			if (st.mode === Mode.Num && st.nums > 0) numeric.push(st.name);
		}
		return { table: { table: { n, columns: this.states.map((s) => s.name), data }, numeric, sha256: '', lineOf: this.lineOf() } };
	}
}
