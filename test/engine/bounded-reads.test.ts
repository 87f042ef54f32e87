/** Run-folder files read as bounded regular files (review finding): a FIFO or /dev/zero neither blocks nor exhausts memory. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTextFile } from '../../engine/io/fsutil';
import { readMetrics } from '../../engine/io/store';

describe('bounded reads of run-folder files', () => {
	let tmp: string;
	before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bounded-'))));
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('metrics.jsonl as a FIFO or a link to /dev/zero reads as no metrics, at once', () => {
		const fifo = path.join(tmp, 'fifo-run');
		fs.mkdirSync(fifo);
		spawnSync('mkfifo', [path.join(fifo, 'metrics.jsonl')]);
		assert.deepEqual(readMetrics(fifo), []);
		const zero = path.join(tmp, 'zero-run');
		fs.mkdirSync(zero);
		fs.symlinkSync('/dev/zero', path.join(zero, 'metrics.jsonl'));
		assert.deepEqual(readMetrics(zero), []);
	});

	it('readTextFile refuses what is not a regular file or is too large', () => {
		const big = path.join(tmp, 'big.txt');
		fs.writeFileSync(big, 'x'.repeat(100));
		assert.equal(readTextFile(big), 'x'.repeat(100));
		assert.throws(() => readTextFile(big, 10), /more than the 10 allowed/);
		assert.throws(() => readTextFile('/dev/zero'), /not a regular file/);
	});
});
