/**
 * Trial processes side by side share the cores: when each gets less than two, each trains on one
 * thread (MODELWRIGHT_TRAIN_THREADS=1), unless the user set a count. A fork that reports its env.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrialProcess } from '../../engine/runtime/tune/trial';
import { THREADS_ENV } from '../../engine/runtime/train/fused/threads';
import { tempDir } from '../helpers/cli';

describe('trial processes: threads per process', function () {
	this.timeout(30_000);
	let tmp: string;
	let saved: string | undefined;
	beforeEach(() => {
		tmp = tempDir('mw-threads-');
		saved = process.env[THREADS_ENV];
		delete process.env[THREADS_ENV];
	});
	afterEach(() => {
		if (saved === undefined) delete process.env[THREADS_ENV];
		else process.env[THREADS_ENV] = saved;
		fs.rmSync(tmp, { recursive: true, force: true });
	});

	/** The child's MODELWRIGHT_TRAIN_THREADS (empty when unset). */
	async function childThreads(parallel: number): Promise<string> {
		const script = path.join(tmp, `child-${parallel}.js`);
		const out = path.join(tmp, `env-${parallel}.txt`);
		fs.writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(out)}, process.env.${THREADS_ENV} ?? '');`);
		const p = new TrialProcess({ script, execArgv: [] }, { parallel });
		await new Promise((r) => p.proc.once('exit', r));
		return fs.readFileSync(out, 'utf8');
	}

	it('one thread each when the parallel trials leave each less than two cores; automatic otherwise', async () => {
		const cores = os.availableParallelism();
		assert.equal(await childThreads(cores), '1');
		assert.equal(await childThreads(cores * 2), '1');
		assert.equal(await childThreads(1), cores >= 2 ? '' : '1');
	});

	it("the user's count wins", async () => {
		process.env[THREADS_ENV] = '2';
		assert.equal(await childThreads(os.availableParallelism()), '2');
	});
});
