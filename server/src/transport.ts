/**
 * The stdio transport with a guard on its framing. vscode-jsonrpc's reader waits forever for the
 * body of a 1 GB `Content-Length`, and after a malformed header it reports an error yet keeps the
 * process alive and silent. A stream that cannot be resynchronised is unrecoverable: say why on
 * stderr and exit, so the client (VS Code's, Neovim's…) restarts the server.
 */
import { PassThrough, type Readable } from 'node:stream';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

/** Largest message accepted (a 5,000-line config is ~150 KB; a whole-document edit of a huge file stays far below). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const SEP = Buffer.from('\r\n\r\n');

/** Follows the framing of a byte stream; returns the reason it is broken, or undefined while it is sound. */
export class FramingGuard {
	private header = Buffer.alloc(0);
	private remaining = 0;

	push(chunk: Buffer): string | undefined {
		let data = chunk;
		while (data.length) {
			if (this.remaining > 0) {
				const n = Math.min(this.remaining, data.length);
				this.remaining -= n;
				data = data.subarray(n);
				continue;
			}
			this.header = Buffer.concat([this.header, data]);
			data = Buffer.alloc(0);
			const end = this.header.indexOf(SEP);
			if (end < 0) return this.header.length > MAX_HEADER_BYTES ? `no message header end within ${MAX_HEADER_BYTES} bytes` : undefined;
			const text = this.header.subarray(0, end).toString('ascii');
			const rest = this.header.subarray(end + SEP.length);
			this.header = Buffer.alloc(0);
			const m = /^content-length:\s*(.*)$/im.exec(text);
			if (!m) return `a message header without Content-Length: ${JSON.stringify(text.slice(0, 200))}`;
			const value = m[1]!.trim();
			if (!/^\d+$/.test(value)) return `Content-Length is not a non-negative integer: ${JSON.stringify(value.slice(0, 50))}`;
			const length = Number(value);
			if (length > MAX_MESSAGE_BYTES) return `Content-Length ${length} exceeds the ${MAX_MESSAGE_BYTES}-byte limit`;
			this.remaining = length;
			data = rest;
		}
		return undefined;
	}
}

/** Reader and writer over stdin/stdout that exit the process (code 1) when the input framing breaks. */
export function guardedStdio(
	input: Readable = process.stdin,
	exit: (reason: string) => never = exitWith,
): [StreamMessageReader, StreamMessageWriter] {
	const guard = new FramingGuard();
	const pass = new PassThrough();
	input.on('data', (chunk: Buffer) => {
		const broken = guard.push(chunk);
		if (broken) exit(broken);
		pass.write(chunk);
	});
	input.on('end', () => pass.end());
	const reader = new StreamMessageReader(pass);
	// The library's own parse errors (bad JSON after a short Content-Length, …) are final too.
	reader.onError((err) => exit(err.message.split('\n')[0] ?? 'unreadable message'));
	return [reader, new StreamMessageWriter(process.stdout)];
}

function exitWith(reason: string): never {
	process.stderr.write(
		`modelwright-language-server: the message stream is broken (${reason}); exiting so the client can restart the server.\n`,
	);
	process.exit(1);
}
