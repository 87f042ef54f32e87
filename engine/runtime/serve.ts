/**
 * `modelwright serve`: a trained model behind node:http. The model folder is loaded with the
 * checked loader (export/tfjs.ts), the training-time preprocessing is applied to each row after
 * the row is validated field by field (a bad row is a 400 naming the field, never a stack trace),
 * and concurrent requests are micro-batched into one model call.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { predictRowsFlat } from './model/inputs';
import type { FeatureTransform, Preprocessing } from './data/preprocess';
import { decodeOutput, featureWidthOf, transformRow } from './data/preprocess';
import { encodeText, vocabularyIndex } from '../core/data/tokenize';
import { loadExported } from './export/tfjs';
import { imageIntoRow, imageRowWidth } from './data/imageInput';
import { ImageTooLargeError } from './data/images';
import { LocalizedError } from './messages';
import { readJson } from '../io/fsutil';
import { bareRecord, own } from '../core/own';

export interface ServeOptions {
	port: number;
	host: string;
	/** Bearer token every request must carry (none: no auth). */
	token?: string;
	/** Rows per request. */
	maxRows: number;
	/** Request body bytes. */
	maxBody: number;
	/** How long the first request of a batch waits for others, ms (0: no batching, one model call per request). */
	batchWindowMs: number;
	/** A batch is run as soon as it holds this many rows. */
	maxBatchRows: number;
	/** Image models: images per request (each becomes height × width × channels floats). */
	maxImages: number;
	/** Image models: the most pixels an image may claim, in millions (checked from its header before decoding). */
	maxImageMegapixels: number;
	/**
	 * Image models: the most pixels a request's images may claim together, in millions. Decoding is
	 * synchronous (≈ 0.15 s a megapixel here): this bounds how long one request holds the server.
	 */
	maxRequestMegapixels: number;
}

/** Floats a batched model call may hold (1 GB of image rows from concurrent requests otherwise). */
const MAX_BATCH_FLOATS = 32 * 1024 * 1024;

export const SERVE_DEFAULTS: ServeOptions = {
	port: 8080,
	host: '127.0.0.1',
	maxRows: 1000,
	maxBody: 1024 * 1024,
	batchWindowMs: 1,
	maxBatchRows: 2048,
	maxImages: 64,
	maxImageMegapixels: 16,
	maxRequestMegapixels: 16,
};

/** A request error: status, what is wrong and (for a row problem) which field. */
export class RequestError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly field?: string,
		readonly expected?: string,
	) {
		super(message);
	}
}

export interface InputInfo {
	name: string;
	type: 'number' | 'category' | 'text' | 'date';
	categories?: (string | number)[];
	/** A missing value is filled (the training-time fill) rather than refused. */
	required: boolean;
	preprocessing: FeatureTransform['step'];
}

export interface ModelInfo {
	task: Preprocessing['task'];
	label: string;
	classes?: (string | number)[];
	inputs: InputInfo[];
	run?: { id?: string; name?: string };
	metrics?: Record<string, number>;
	evaluationSplit?: string;
	dataFingerprint?: unknown;
	/** An image model: its one input, `image` (a base64 PNG or JPEG), resized to height × width with `channels`. */
	image?: { input: 'image'; height: number; width: number; channels: 1 | 3; formats: ['png', 'jpeg'] };
}

export function inputInfo(pre: Preprocessing): InputInfo[] {
	return pre.features.map((f) => ({
		name: f.column,
		type:
			f.step === 'oneHot' || f.step === 'labelEncode' ? 'category' : f.step === 'tokenize' ? 'text' : f.step === 'date' ? 'date' : 'number',
		...(f.categories ? { categories: f.categories } : {}),
		required: f.fillValue === undefined,
		preprocessing: f.step,
	}));
}

/** What /model tells: the inputs, outputs and, when the model folder is a run's, the run's metrics. */
export function modelInfo(pre: Preprocessing, modelDir: string): ModelInfo {
	const info: ModelInfo = {
		task: pre.task,
		label: pre.label.column,
		...(pre.label.classes ? { classes: pre.label.classes } : {}),
		inputs: inputInfo(pre),
		...(pre.image
			? {
					image: {
						input: 'image' as const,
						height: pre.image.size[0],
						width: pre.image.size[1],
						channels: pre.image.channels,
						formats: ['png', 'jpeg'] as ['png', 'jpeg'],
					},
				}
			: {}),
	};
	// A run's model lives in <run>/model; the run's records sit one folder up.
	const runDir = path.basename(modelDir) === 'model' ? path.dirname(modelDir) : undefined;
	if (runDir && fs.existsSync(path.join(runDir, 'summary.json'))) {
		const summary = readJson<Record<string, unknown>>(path.join(runDir, 'summary.json'));
		const ev = readJson<{ metrics?: Record<string, number>; split?: string }>(path.join(runDir, 'evaluation.json'));
		info.run = {
			...(typeof summary?.id === 'string' ? { id: summary.id } : {}),
			...(typeof summary?.name === 'string' ? { name: summary.name } : {}),
		};
		if (ev?.metrics && typeof ev.metrics === 'object') info.metrics = ev.metrics;
		if (typeof ev?.split === 'string') info.evaluationSplit = ev.split;
		const fp = summary?.dataFingerprint ?? (summary?.data as Record<string, unknown> | undefined)?.fingerprint;
		if (fp !== undefined) info.dataFingerprint = fp;
	}
	return info;
}

const isMissing = (v: unknown) => v === null || v === undefined || v === '';
const describe = (v: unknown) => {
	const s = JSON.stringify(v) ?? String(v);
	return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};

/** What encoding one feature of a request row needs, worked out once per model rather than per row. */
interface FeatureCodec {
	f: FeatureTransform;
	/** Where the feature's values start in a row of the model input. */
	offset: number;
	/** A category's text → its index (the first category with that text, as the lookup before). */
	categories?: Map<string, number>;
	/** What a missing value becomes (transformRow with the fill), when the fill encodes. */
	fill?: Float32Array;
	/** tokenize: the vocabulary lookup (a text's ids are written straight into the row). */
	vocabulary?: Map<string, number>;
}

function codecs(pre: Preprocessing): FeatureCodec[] {
	let offset = 0;
	return pre.features.map((f) => {
		const c: FeatureCodec = { f, offset };
		const width = featureWidthOf(f);
		if (f.tokenizer) c.vocabulary = vocabularyIndex(f.tokenizer);
		offset += width;
		if (f.step === 'oneHot' || f.step === 'labelEncode') {
			c.categories = new Map();
			f.categories!.forEach((v, k) => {
				if (!c.categories!.has(String(v))) c.categories!.set(String(v), k);
			});
		}
		if (f.fillValue !== undefined) {
			const fill = new Float32Array(width);
			try {
				transformRow([f], { [f.column]: null }, fill, 0);
				c.fill = fill;
			} catch {
				// A fill that does not encode: the row is sent through transformRow, which says why.
			}
		}
		return c;
	});
}

/**
 * Checks and encodes request rows: every feature column present (or fillable), categories known,
 * numbers numeric. Returns the model's input matrix, row-major. Values are written straight into
 * it (no row objects): the figures transformRow writes.
 */
export function encodeRows(pre: Preprocessing, rows: unknown[], features: FeatureCodec[] = codecs(pre)): Float32Array {
	const w = pre.inputs.length;
	const x = new Float32Array(rows.length * w);
	for (let i = 0; i < rows.length; i++) {
		const raw = rows[i];
		const where = rows.length > 1 ? `rows[${i}]` : 'row';
		if (!raw || typeof raw !== 'object' || Array.isArray(raw))
			throw new RequestError(400, `${where} is ${describe(raw)}, not an object of column values.`, where, 'an object {column: value}');
		const src = raw as Record<string, unknown>;
		const base = i * w;
		for (const { f, offset, categories, fill, vocabulary } of features) {
			const v = own(src, f.column);
			if (isMissing(v)) {
				if (f.fillValue === undefined)
					throw new RequestError(
						400,
						`${where}.${f.column} is missing; the model needs column \`${f.column}\` (${f.categories ? 'one of its categories' : 'a number'}).`,
						f.column,
						f.categories ? `one of ${describe(f.categories)}` : 'a number',
					);
				if (fill) x.set(fill, base + offset);
				else transformRow([f], { [f.column]: null }, x, base + offset, `${where}: `);
				continue;
			}
			if (f.step === 'date') {
				// A date text, parsed and expanded as in training (transformRow says why one is refused).
				if (typeof v !== 'string')
					throw new RequestError(400, `${where}.${f.column} is ${describe(v)}, not a date text.`, f.column, 'a date such as 2024-03-05');
				try {
					transformRow([f], { [f.column]: v }, x, base + offset);
				} catch (e) {
					throw new RequestError(400, `${where}: ${e instanceof Error ? e.message : String(e)}`, f.column, 'a date such as 2024-03-05');
				}
				continue;
			}
			if (vocabulary) {
				// Text, tokenized with the training vocabulary (a number is read as its text).
				if (typeof v !== 'string' && typeof v !== 'number')
					throw new RequestError(400, `${where}.${f.column} is ${describe(v)}, not text.`, f.column, 'a text');
				encodeText(String(v), f.tokenizer!, vocabulary, x, base + offset);
				continue;
			}
			if (categories) {
				const k = typeof v === 'object' ? undefined : categories.get(String(v));
				if (k === undefined)
					throw new RequestError(
						400,
						`${where}.${f.column} is ${describe(v)}, not a known category of \`${f.column}\` (${describe(f.categories)}).`,
						f.column,
						`one of ${describe(f.categories)}`,
					);
				if (f.step === 'oneHot') x[base + offset + k] = 1;
				else x[base + offset] = k;
				continue;
			}
			const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
			if (!Number.isFinite(n))
				throw new RequestError(400, `${where}.${f.column} is ${describe(v)}, not a finite number.`, f.column, 'a finite number');
			x[base + offset] =
				f.step === 'standardize'
					? (n - f.params![0]) / f.params![1]
					: f.step === 'minMax'
						? (n - f.params![0]) / (f.params![1] - f.params![0] || 1)
						: n;
		}
	}
	return x;
}

/** base64 (standard or URL-safe alphabet, padding optional, whitespace ignored), after an optional data: URL prefix. */
const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Checks and decodes the rows of a request to an image model: each `{"image": "<base64 PNG or
 * JPEG>"}`, decoded and resized as training read its files. A bad image is a 400 naming its row
 * and why (not text, not base64, not a PNG/JPEG, too many pixels).
 */
export async function encodeImageRows(
	pre: Preprocessing,
	rows: unknown[],
	maxMegapixels = SERVE_DEFAULTS.maxImageMegapixels,
	requestMegapixels = SERVE_DEFAULTS.maxRequestMegapixels,
): Promise<Float32Array> {
	const w = imageRowWidth(pre);
	let left = requestMegapixels;
	const x = new Float32Array(rows.length * w);
	const expected = 'a base64 PNG or JPEG (optionally a data: URL)';
	for (let i = 0; i < rows.length; i++) {
		const raw = rows[i];
		const where = rows.length > 1 ? `rows[${i}]` : 'row';
		if (!raw || typeof raw !== 'object' || Array.isArray(raw))
			throw new RequestError(400, `${where} is ${describe(raw)}, not an object {"image": "<base64>"}.`, where, 'an object {"image": …}');
		const v = (raw as Record<string, unknown>).image;
		if (isMissing(v)) throw new RequestError(400, `${where}.image is missing; the model takes one image per row.`, 'image', expected);
		if (typeof v !== 'string') throw new RequestError(400, `${where}.image is ${describe(v)}, not base64 text.`, 'image', expected);
		const text = v.replace(DATA_URL, '').replace(/\s+/g, '');
		if (!BASE64.test(text))
			throw new RequestError(400, `${where}.image is not base64 (characters outside A–Z, a–z, 0–9, +, /, =).`, 'image', expected);
		const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
		// The request's budget lowers the decoder's limit, so an image past it is refused from its header.
		const limit = Math.min(maxMegapixels, left);
		try {
			left -= imageIntoRow(pre, bytes, x, i * w, limit) / 1e6;
		} catch (err) {
			// The HTTP body is an API: English whatever the server's locale.
			const why = err instanceof LocalizedError ? err.english : err instanceof Error ? err.message : String(err);
			// Over the size limit (pngjs's header check, jpeg-js's maxResolutionInMP) because of the request's budget.
			const tooBig = err instanceof ImageTooLargeError && limit < maxMegapixels;
			const budget = tooBig ? ` (a request's images may have ${requestMegapixels} megapixels together)` : '';
			throw new RequestError(budget ? 413 : 400, `${where}.image: ${why}${budget}.`, 'image', expected);
		}
		// Other requests are served between images.
		if (i + 1 < rows.length) await new Promise((r) => setImmediate(r));
	}
	return x;
}

interface Pending {
	x: Float32Array;
	n: number;
	resolve: (out: Float32Array) => void;
	reject: (err: unknown) => void;
}

/** Collects rows from concurrent requests for `windowMs` (or until `maxRows`) and runs them as one model call. */
export class MicroBatcher {
	private queue: Pending[] = [];
	private rows = 0;
	private timer: NodeJS.Timeout | undefined;
	/** Model calls made, and requests served by them (requests / calls = the batching achieved). */
	calls = 0;
	requests = 0;
	width = 1;

	constructor(
		private readonly model: tf.LayersModel,
		private readonly pre: Preprocessing,
		private readonly windowMs: number,
		private readonly maxRows: number,
	) {}

	predict(x: Float32Array, n: number): Promise<Float32Array> {
		return new Promise((resolve, reject) => {
			this.queue.push({ x, n, resolve, reject });
			this.rows += n;
			if (this.windowMs <= 0 || this.rows >= this.maxRows) this.flush();
			else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
		});
	}

	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const batch = this.queue;
		const total = this.rows;
		this.queue = [];
		this.rows = 0;
		if (!batch.length) return;
		try {
			// Rows are as wide as the requests made them (an image row holds all its pixels).
			const x = batch.length === 1 ? batch[0]!.x : new Float32Array(batch.reduce((a, p) => a + p.x.length, 0));
			if (batch.length > 1) {
				let off = 0;
				for (const p of batch) {
					x.set(p.x, off);
					off += p.x.length;
				}
			}
			const t = tf.tidy(() => predictRowsFlat(this.model, this.pre, x, total));
			let out: Float32Array;
			try {
				out = t.dataSync() as Float32Array;
				this.width = t.shape[1] ?? 1;
			} finally {
				t.dispose();
			}
			this.calls++;
			this.requests += batch.length;
			let row = 0;
			for (const p of batch) {
				p.resolve(out.subarray(row * this.width, (row + p.n) * this.width));
				row += p.n;
			}
		} catch (err) {
			for (const p of batch) p.reject(err);
		}
	}
}

/** One prediction as JSON: the value and, for classifiers, the probability of each class. */
export function decodePredictions(pre: Preprocessing, out: Float32Array, width: number, n: number, threshold = 0.5): object[] {
	const classes = pre.label.classes;
	const res: object[] = [];
	for (let i = 0; i < n; i++) {
		const y = out.subarray(i * width, (i + 1) * width);
		const prediction = decodeOutput(pre, y, threshold);
		if (!classes || pre.task === 'regression') {
			res.push({ prediction });
			continue;
		}
		const probs = bareRecord<number>();
		if (pre.label.encoding === 'hinge') {
			res.push({ prediction, score: y[0]! });
			continue;
		}
		if (width === 1) {
			probs[String(classes[0])] = 1 - y[0]!;
			probs[String(classes[1])] = y[0]!;
		} else classes.forEach((c, k) => (probs[String(c)] = y[k]!));
		res.push({ prediction, probabilities: probs });
	}
	return res;
}

/** Constant-time comparison of the Authorization header with `Bearer <token>` (hashes: equal lengths whatever was sent). */
export function authorized(header: string | undefined, token: string): boolean {
	const want = crypto.createHash('sha256').update(`Bearer ${token}`).digest();
	const got = crypto
		.createHash('sha256')
		.update(header ?? '')
		.digest();
	return crypto.timingSafeEqual(want, got) && header !== undefined;
}

export function openApi(info: ModelInfo, opts: Pick<ServeOptions, 'maxRows' | 'token'>): object {
	const rowProps = bareRecord<object>();
	for (const i of info.inputs)
		rowProps[i.name] =
			i.type === 'number'
				? { type: 'number' }
				: i.type === 'text'
					? { type: 'string', description: 'a text, tokenized as in training' }
					: i.type === 'date'
						? { type: 'string', description: "a date or date-time (ISO 8601, or as the column's `format` reads it)" }
						: { enum: i.categories, description: 'a category seen in training' };
	if (info.image)
		rowProps.image = {
			type: 'string',
			format: 'byte',
			description: `a PNG or JPEG, base64 (a data: URL too); resized to ${info.image.height}×${info.image.width}, ${info.image.channels === 1 ? 'grayscale' : 'RGB'}, as in training`,
		};
	const required = info.image ? ['image'] : info.inputs.filter((i) => i.required).map((i) => i.name);
	const row = { type: 'object', properties: rowProps, required };
	const error = {
		type: 'object',
		properties: { error: { type: 'string' }, field: { type: 'string' }, expected: { type: 'string' } },
		required: ['error'],
	};
	const prediction = {
		type: 'object',
		properties: {
			prediction: info.classes ? { enum: info.classes } : { type: 'number' },
			...(info.classes ? { probabilities: { type: 'object', additionalProperties: { type: 'number' } } } : {}),
		},
	};
	const errors = {
		'400': { description: 'Bad input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
		...(opts.token ? { '401': { description: 'Missing or wrong bearer token' } } : {}),
	};
	return {
		openapi: '3.0.3',
		info: { title: `Modelwright model${info.run?.name ? `: ${info.run.name}` : ''}`, version: '1' },
		...(opts.token ? { security: [{ bearer: [] }] } : {}),
		paths: {
			'/predict': {
				post: {
					summary: `Predict \`${info.label}\``,
					requestBody: {
						required: true,
						content: {
							'application/json': {
								schema: {
									oneOf: [
										{ $ref: '#/components/schemas/Row' },
										{
											type: 'object',
											properties: { rows: { type: 'array', items: { $ref: '#/components/schemas/Row' }, maxItems: opts.maxRows } },
											required: ['rows'],
										},
									],
								},
							},
						},
					},
					responses: {
						'200': {
							description: 'One prediction per row',
							content: {
								'application/json': {
									schema: {
										type: 'object',
										properties: { predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } } },
									},
								},
							},
						},
						...errors,
						'413': { description: 'Body too large' },
					},
				},
			},
			'/health': { get: { summary: 'Liveness', responses: { '200': { description: 'ok' }, ...errors } } },
			'/model': { get: { summary: 'Inputs, outputs and metrics of the model', responses: { '200': { description: 'model' }, ...errors } } },
			'/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3' } } } },
		},
		components: {
			schemas: { Row: row, Prediction: prediction, Error: error },
			...(opts.token ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {}),
		},
	};
}

export interface ModelServer {
	server: http.Server;
	url: string;
	info: ModelInfo;
	batcher: MicroBatcher;
	/** Stops accepting connections, lets in-flight requests finish, frees the model. */
	close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length']);
		if (Number.isFinite(declared) && declared > max) {
			reject(new RequestError(413, `the request body is ${declared} bytes; at most ${max} are accepted.`, undefined, `≤ ${max} bytes`));
			return;
		}
		const parts: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > max) {
				reject(new RequestError(413, `the request body is over ${max} bytes.`, undefined, `≤ ${max} bytes`));
				req.removeAllListeners('data');
				req.resume();
				return;
			}
			parts.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

/** The rows of a /predict body: `{"rows": [...]}` or one row object. */
export function rowsOfBody(body: Buffer, maxRows: number): unknown[] {
	let json: unknown;
	try {
		json = JSON.parse(body.toString('utf8'));
	} catch (err) {
		throw new RequestError(400, `the body is not valid JSON (${err instanceof Error ? err.message : 'parse error'}).`, undefined, 'JSON');
	}
	if (!json || typeof json !== 'object' || Array.isArray(json))
		throw new RequestError(
			400,
			'the body must be a JSON object: {"rows": [{column: value, …}]} or one row object.',
			undefined,
			'an object',
		);
	const o = json as Record<string, unknown>;
	const rows = 'rows' in o ? o.rows : [o];
	if (!Array.isArray(rows)) throw new RequestError(400, '`rows` must be an array of row objects.', 'rows', 'an array');
	if (rows.length === 0) throw new RequestError(400, '`rows` is empty.', 'rows', 'at least one row');
	if (rows.length > maxRows)
		throw new RequestError(400, `${rows.length} rows in one request; at most ${maxRows} are accepted.`, 'rows', `≤ ${maxRows} rows`);
	return rows;
}

export async function startServer(modelDir: string, options: Partial<ServeOptions> = {}): Promise<ModelServer> {
	const opts: ServeOptions = { ...SERVE_DEFAULTS, ...options };
	const { model, preprocessing: pre } = await loadExported(modelDir);
	const info = modelInfo(pre, modelDir);
	// Image rows are wide: a batch holds at most MAX_BATCH_FLOATS values, whatever the row count allows.
	const rowWidth = pre.image ? imageRowWidth(pre) : 1;
	const batcher = new MicroBatcher(
		model,
		pre,
		opts.batchWindowMs,
		Math.max(1, Math.min(opts.maxBatchRows, Math.floor(MAX_BATCH_FLOATS / rowWidth))),
	);
	const features = codecs(pre);
	const doc = openApi(info, opts);
	const started = Date.now();

	let stopping = false;
	const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		// While shutting down, each answered connection closes instead of idling on keep-alive.
		if (stopping) res.setHeader('connection', 'close');
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (opts.token && !authorized(req.headers.authorization, opts.token)) {
			req.resume();
			send(res, 401, { error: 'a valid `Authorization: Bearer <token>` header is required.' }, { 'www-authenticate': 'Bearer' });
			return;
		}
		const route = `${req.method} ${url.pathname}`;
		switch (route) {
			case 'GET /health':
				send(res, 200, {
					status: 'ok',
					uptimeSeconds: Math.round((Date.now() - started) / 1000),
					modelCalls: batcher.calls,
					requests: batcher.requests,
				});
				return;
			case 'GET /model':
				send(res, 200, info);
				return;
			case 'GET /openapi.json':
				send(res, 200, doc);
				return;
			case 'POST /predict': {
				const rows = rowsOfBody(await readBody(req, opts.maxBody), pre.image ? Math.min(opts.maxRows, opts.maxImages) : opts.maxRows);
				const x = pre.image
					? await encodeImageRows(pre, rows, opts.maxImageMegapixels, opts.maxRequestMegapixels)
					: encodeRows(pre, rows, features);
				const out = await batcher.predict(x, rows.length);
				send(res, 200, { predictions: decodePredictions(pre, out, batcher.width, rows.length) });
				return;
			}
			default:
				req.resume();
				if (['/health', '/model', '/openapi.json', '/predict'].includes(url.pathname))
					send(res, 405, { error: `${req.method} is not allowed on ${url.pathname}.` });
				else send(res, 404, { error: `no endpoint ${url.pathname}; try POST /predict, GET /model, /health or /openapi.json.` });
		}
	};

	const server = http.createServer((req, res) => {
		handle(req, res).catch((err: unknown) => {
			if (res.headersSent) return res.destroy();
			// A body over the limit is not read further: the connection closes after the answer.
			if (err instanceof RequestError && err.status === 413) res.setHeader('connection', 'close');
			if (err instanceof RequestError)
				send(res, err.status, {
					error: err.message,
					...(err.field ? { field: err.field } : {}),
					...(err.expected ? { expected: err.expected } : {}),
				});
			else if (err instanceof Error && err.name === 'DataError') send(res, 400, { error: err.message });
			// Anything else is ours: said in one line, never a stack trace.
			else send(res, 500, { error: `prediction failed: ${err instanceof Error ? err.message : String(err)}` });
		});
	});
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : opts.port;
	const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
	let closing: Promise<void> | undefined;
	return {
		server,
		url: `http://${host}:${port}`,
		info,
		batcher,
		close: () =>
			(closing ??= new Promise<void>((resolve) => {
				stopping = true;
				server.close(() => {
					batcher.flush();
					model.dispose();
					resolve();
				});
				// Idle keep-alive connections would hold close() open; busy ones finish their request first.
				server.closeIdleConnections();
			})),
	};
}
