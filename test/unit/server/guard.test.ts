import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import {
	CancellationTokenSource,
	createConnection,
	ErrorCodes,
	LSPErrorCodes,
	ResponseError,
	StreamMessageReader,
	StreamMessageWriter,
} from 'vscode-languageserver/node';
import { ModelwrightServer } from '../../../server/src/server';

describe('server: request guard', () => {
	// A real connection over in-memory streams; what the server logs is read back from its output.
	const toServer = new PassThrough();
	const fromServer = new PassThrough();
	let output = '';
	fromServer.on('data', (d: Buffer) => {
		output += d.toString();
	});
	const connection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(fromServer));
	const server = new ModelwrightServer(connection);
	after(() => connection.dispose());

	it('answers an exception with an InternalError response and logs it', async () => {
		const handler = server.guard('hover', () => {
			throw new Error('boom');
		});
		const r = handler({}, new CancellationTokenSource().token);
		assert.ok(r instanceof ResponseError);
		assert.equal(r.code, ErrorCodes.InternalError);
		assert.match(r.message, /hover failed: boom/);
		// Header and body may arrive in separate chunks: wait for the message itself.
		await new Promise<void>((resolve) => {
			const check = () => {
				if (/hover failed/.test(output)) {
					fromServer.off('data', check);
					resolve();
				}
			};
			fromServer.on('data', check);
			check();
		});
		assert.match(output, /window\/logMessage[\s\S]*hover failed: Error: boom/);
	});
	it('answers a cancelled request as cancelled without running it', () => {
		const src = new CancellationTokenSource();
		src.cancel();
		let ran = false;
		const r = server.guard('completion', () => {
			ran = true;
			return [];
		})({}, src.token);
		assert.ok(r instanceof ResponseError);
		assert.equal(r.code, LSPErrorCodes.RequestCancelled);
		assert.equal(ran, false);
	});
	it('passes results through', () => {
		assert.deepEqual(server.guard('x', (p: number[]) => p.map((n) => n * 2))([1, 2], new CancellationTokenSource().token), [2, 4]);
	});
});
