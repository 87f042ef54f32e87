/**
 * Broken framing on stdio (issue #11, item 10–11): the server must not stay alive and silent. It
 * exits with a message on stderr so the client restarts it. Also a seeded random byte stream.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { mulberry32 } from '../../engine/core/random';
import { FramingGuard, MAX_MESSAGE_BYTES } from '../../server/src/transport';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

function run(input: Buffer): Promise<{ code: number | null; err: string; ms: number }> {
	return new Promise((resolve) => {
		const t = Date.now();
		const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
		let err = '';
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.stdout.resume();
		const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, err, ms: Date.now() - t });
		});
		child.stdin.on('error', () => undefined);
		child.stdin.write(input);
	});
}

const frame = (body: string, length: string = String(Buffer.byteLength(body))) => Buffer.from(`Content-Length: ${length}\r\n\r\n${body}`);
const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

describe('lsp: broken framing on stdio', function () {
	this.timeout(60_000);
	const cases: [string, Buffer][] = [
		['a non-numeric Content-Length', frame(init, 'abc')],
		['a negative Content-Length', frame(init, '-5')],
		['a 1 GB Content-Length', frame(init, String(1024 ** 3))],
		['a header without Content-Length', Buffer.from(`Content-Type: x\r\n\r\n${init}`)],
		['a short Content-Length (garbage JSON)', Buffer.concat([frame(init, '10'), frame(init)])],
		['garbage bytes after a valid message', Buffer.concat([frame(init), Buffer.from('x'.repeat(9000))])],
	];
	for (const [what, input] of cases) {
		it(`exits (code 1) with a message on ${what}`, async () => {
			const r = await run(input);
			assert.equal(r.code, 1, `exit ${r.code} after ${r.ms} ms; stderr: ${r.err}`);
			assert.match(r.err, /message stream is broken/);
		});
	}
	it('the guard follows sound framing across chunk boundaries and refuses what it must', () => {
		const g = new FramingGuard();
		const good = Buffer.concat([frame(init), frame('{}'), frame(init)]);
		for (let i = 0; i < good.length; i += 7) assert.equal(g.push(good.subarray(i, i + 7)), undefined);
		assert.match(new FramingGuard().push(frame('', String(MAX_MESSAGE_BYTES + 1)))!, /exceeds/);
	});
	it('random byte streams never leave it alive and silent (seeded)', async () => {
		const rng = mulberry32(7);
		for (let k = 0; k < 4; k++) {
			const bytes = Buffer.from(Array.from({ length: 10_000 }, () => Math.floor(rng() * 256)));
			const r = await run(bytes);
			assert.equal(r.code, 1, `stream ${k}: exit ${r.code}; ${r.err}`);
		}
	});
});
