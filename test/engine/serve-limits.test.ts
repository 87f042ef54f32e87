/**
 * `modelwright serve` request limits over real HTTP: a body over `maxBody` is a 413 whether its
 * size is declared (Content-Length) or only found while streaming (chunked), the connection is
 * closed after it, and the server keeps answering; too many rows stay a 400 naming `rows`. The
 * request encoder (no row objects) writes exactly what transformRow writes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import { encodeRows, startServer, type ModelServer } from '../../engine/runtime/serve';
import { transformRow, type Preprocessing } from '../../engine/runtime/data/preprocess';
import { LINEAR } from '../helpers/cli';

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	json: Record<string, unknown>;
}

/** POSTs `chunks` to `url`; chunked (no Content-Length) unless `declare` gives the length to announce. */
function post(url: string, chunks: string[], declare?: number): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string | number> = { 'content-type': 'application/json' };
		if (declare !== undefined) headers['content-length'] = declare;
		const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (c: Buffer) => parts.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(Buffer.concat(parts).toString('utf8')) }),
			);
		});
		// The server may answer and close before the whole body is sent: that is the point.
		req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
		let i = 0;
		const next = () => {
			if (i === chunks.length) return req.end();
			req.write(chunks[i++]!, () => setImmediate(next));
		};
		next();
	});
}

describe('modelwright serve: request size limits', function () {
	this.timeout(60_000);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-serve-limits-'));
	let srv: ModelServer;
	before(async () => {
		const configPath = path.join(tmp, 'lin.model.yaml');
		fs.writeFileSync(configPath, LINEAR('lin'));
		const r = await runJob({ configPath, backend: 'cpu' }, () => undefined);
		assert.equal(r.status, 'completed', r.message);
		srv = await startServer(path.join(r.runDir!, 'model'), { port: 0, maxBody: 2048, maxRows: 50, batchWindowMs: 0 });
	});
	after(async () => {
		await srv?.close();
		fs.rmSync(tmp, { recursive: true, force: true });
	});

	it('a streamed (chunked) body that grows past the limit is refused with 413, and the connection closes', async () => {
		const row = JSON.stringify({ x: 1.5 });
		// 40 chunks of ~100 bytes, no Content-Length: only the running total tells.
		const chunks = ['{"rows":[', ...Array.from({ length: 40 }, (_, i) => `${i ? ',' : ''}${row}${' '.repeat(90)}`), ']}'];
		const a = await post(`${srv.url}/predict`, chunks);
		assert.equal(a.status, 413, JSON.stringify(a.json));
		assert.match(String(a.json.error), /over 2048 bytes/);
		assert.equal(a.json.expected, '≤ 2048 bytes');
		assert.equal(a.headers.connection, 'close');
		assert.equal(a.headers['transfer-encoding'], undefined);
	});

	it('a declared Content-Length over the limit is refused with 413 before the body is read', async () => {
		const a = await post(`${srv.url}/predict`, ['{"rows":['], 10_000_000);
		assert.equal(a.status, 413);
		assert.match(String(a.json.error), /10000000 bytes; at most 2048/);
		assert.equal(a.headers.connection, 'close');
	});

	it('a body under the limit is answered, and too many rows is a 400 naming `rows`', async () => {
		const ok = await post(`${srv.url}/predict`, [JSON.stringify({ rows: [{ x: 1 }, { x: 2 }] })]);
		assert.equal(ok.status, 200, JSON.stringify(ok.json));
		assert.equal((ok.json.predictions as unknown[]).length, 2);
		const many = await post(`${srv.url}/predict`, [JSON.stringify({ rows: Array.from({ length: 51 }, () => ({ x: 1 })) })]);
		assert.equal(many.status, 400);
		assert.equal(many.json.field, 'rows');
	});
});

describe('modelwright serve: the request encoder', () => {
	it('writes what transformRow writes: scaling, one-hot, label encoding, fills, numeric strings', () => {
		const pre: Preprocessing = {
			version: 1,
			features: [
				{ column: 'a', step: 'standardize', fill: 'mean', fillValue: 2.5, params: [1.25, 0.75] },
				{ column: 'b', step: 'minMax', fill: 'error', params: [-3, 7] },
				{ column: 'c', step: 'oneHot', fill: 'mostFrequent', fillValue: 'green', categories: ['blue', 'green', 'red'] },
				{ column: 'd', step: 'labelEncode', fill: 'error', categories: [1, 2, 10] },
				{ column: 'e', step: 'none', fill: 'zero', fillValue: 0 },
			],
			inputs: ['a', 'b', 'c=blue', 'c=green', 'c=red', 'd', 'e'],
			label: { column: 'y', encoding: 'value' },
			task: 'regression',
			inputShape: [7],
		};
		const rows = [
			{ a: 3.3, b: '4.5', c: 'red', d: 10, e: -1.5 },
			{ a: null, b: -3, c: '', d: '2', e: null },
			{ b: 7, c: 'blue', d: 1 },
		];
		const want = new Float32Array(rows.length * 7);
		rows.forEach((r, i) =>
			transformRow(
				pre.features,
				Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : typeof v === 'string' && k !== 'c' ? Number(v) : v])),
				want,
				i * 7,
			),
		);
		assert.deepEqual(Array.from(encodeRows(pre, rows)), Array.from(want));
		assert.throws(() => encodeRows(pre, [{ a: 1, b: 1, c: 'pink', d: 1 }]), /row\.c is "pink", not a known category/);
		assert.throws(() => encodeRows(pre, [{ a: 1, c: 'red', d: 1 }]), /row\.b is missing/);
	});
});
