/** Distributed sweeps, the parts without Redis: job checks, safe paths, packed run folders, URLs. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
	TRIAL_PROTOCOL,
	parseFolderManifest,
	redactRedisUrl,
	redisUrlFrom,
	redisUrlProblem,
	safeRelativePath,
	trialJobProblem,
	type TrialJobData,
} from '../../engine/core/tune/distributed';
import { packRun, readPack, writePackedFiles } from '../../engine/runtime/tune/distributed/pack';

const job = (patch: Partial<TrialJobData> = {}): TrialJobData => ({
	protocol: TRIAL_PROTOCOL,
	sweep: { id: 'sweep-x', name: 'x' },
	trial: 1,
	params: { 'training.batchSize': 16 },
	name: 'x-t001',
	text: 'name: x\n',
	configPath: 'x.model.yaml',
	folds: 1,
	metric: 'val_loss',
	direction: 'minimize',
	data: [{ hash: 'a'.repeat(64), size: 10, path: 'data/x.csv' }],
	maxResultBytes: 1024 * 1024,
	...patch,
});

describe('distributed sweeps: jobs and packed runs', () => {
	it('accepts a well-formed job and refuses another protocol first, saying which', () => {
		assert.equal(trialJobProblem(job()), undefined);
		assert.match(
			trialJobProblem({ ...job(), protocol: TRIAL_PROTOCOL + 1, name: '../../etc' })!,
			new RegExp(`protocol version ${TRIAL_PROTOCOL + 1}, and this worker speaks version ${TRIAL_PROTOCOL}`),
		);
		assert.match(trialJobProblem(null)!, /no trial/);
	});

	it('refuses job paths that could leave the job folder', () => {
		for (const p of ['../x.csv', '/etc/passwd', 'a/../../b', 'a//b', '.hidden', 'a\\b', 'C:/x', '', 'a/./b'])
			assert.equal(safeRelativePath(p), undefined, p);
		assert.deepEqual(safeRelativePath('data/my file.csv'), ['data', 'my file.csv']);
		assert.match(trialJobProblem(job({ configPath: '../x.model.yaml' }))!, /config path/);
		assert.match(trialJobProblem(job({ configPath: 'x.txt' }))!, /config path/);
		assert.match(trialJobProblem(job({ data: [{ hash: 'a'.repeat(64), size: 1, path: '../../x.csv' }] }))!, /unsafe path/);
		assert.match(trialJobProblem(job({ data: [{ hash: 'zz', size: 1, path: 'x.csv' }] }))!, /content hash/);
		assert.match(trialJobProblem(job({ dataPath: '/tmp/x.csv' }))!, /data path/);
		assert.match(trialJobProblem(job({ name: 'a/b' }))!, /run name/);
		assert.match(trialJobProblem(job({ params: { a: { toString: 1 } as never } }))!, /plain value/);
	});

	it('checks an image folder manifest: safe relative paths, no duplicates, no file that is also a folder', () => {
		const f = (p: string, extra: object = {}) => ({ hash: 'b'.repeat(64), size: 3, path: p, ...extra });
		const ok = parseFolderManifest(JSON.stringify([f('circle/0001.png'), f('square/0001.png', { shared: 'img/square/0001.png' })]));
		assert.ok(Array.isArray(ok) && ok.length === 2, String(ok));
		for (const [bad, re] of [
			[[f('../x.png')], /unsafe path/],
			[[f('/etc/passwd')], /unsafe path/],
			[[f('a/./b.png')], /unsafe path/],
			[[f('a.png', { shared: '../a.png' })], /unsafe shared path/],
			[[f('a/b.png'), f('a/b.png')], /twice/],
			[[f('a'), f('a/b.png')], /as a file and a folder/],
			[[f('a.png', { folder: true })], /nests a folder/],
			[[], /no files/],
		] as const)
			assert.match(parseFolderManifest(JSON.stringify(bad)) as string, re, JSON.stringify(bad));
		assert.match(parseFolderManifest('{') as string, /not JSON/);
		assert.equal(trialJobProblem(job({ data: [{ hash: 'a'.repeat(64), size: 10, path: 'data/shapes', folder: true }] })), undefined);
		assert.match(
			trialJobProblem(job({ data: [{ hash: 'a'.repeat(64), size: 10, path: 'data/shapes', folder: 1 as never }] }))!,
			/folder mark/,
		);
	});

	it('packs a run folder (only what Modelwright writes) and unpacks it into a fresh folder', () => {
		const src = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-pack-'));
		const dst = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-unpack-'));
		try {
			fs.writeFileSync(path.join(src, 'summary.json'), '{"id":"r"}');
			fs.writeFileSync(path.join(src, 'metrics.jsonl'), '{"epoch":1}\n');
			fs.mkdirSync(path.join(src, 'model'));
			fs.writeFileSync(path.join(src, 'model', 'weights.bin'), Buffer.from([1, 2, 3]));
			fs.writeFileSync(path.join(src, '.lock'), 'x');
			fs.writeFileSync(path.join(src, 'notes.txt'), 'not a run file');
			fs.symlinkSync('/etc/passwd', path.join(src, 'evaluation.json'));
			const files = readPack(packRun(src, 1024 * 1024), 1024 * 1024);
			assert.deepEqual(files.map((f) => f.path).sort(), ['metrics.jsonl', 'model/weights.bin', 'summary.json']);
			writePackedFiles(dst, files);
			assert.deepEqual([...fs.readFileSync(path.join(dst, 'model', 'weights.bin'))], [1, 2, 3]);
			assert.throws(() => packRun(src, 5), /more than/);
		} finally {
			fs.rmSync(src, { recursive: true, force: true });
			fs.rmSync(dst, { recursive: true, force: true });
		}
	});

	it('refuses a crafted pack: entries outside a run folder, sizes that do not add up', () => {
		const craft = (files: { path: string; size: number }[], body: Buffer) => {
			const header = Buffer.from(JSON.stringify({ files }));
			const len = Buffer.alloc(4);
			len.writeUInt32BE(header.length);
			return gzipSync(Buffer.concat([Buffer.from('MWRUN1\n'), len, header, body]));
		};
		assert.throws(() => readPack(craft([{ path: '../evil', size: 1 }], Buffer.from('x')), 1e6), /may not hold/);
		assert.throws(() => readPack(craft([{ path: 'model/../../evil', size: 1 }], Buffer.from('x')), 1e6), /may not hold/);
		assert.throws(() => readPack(craft([{ path: '.lock', size: 1 }], Buffer.from('x')), 1e6), /may not hold/);
		assert.throws(() => readPack(craft([{ path: 'summary.json', size: 5 }], Buffer.from('x')), 1e6), /cut short/);
		assert.throws(() => readPack(craft([{ path: 'metrics.jsonl', size: 1 }], Buffer.from('x')), 1e6), /no summary\.json/);
		assert.throws(() => readPack(Buffer.from('not gzip'), 1e6), /not readable/);
		assert.throws(() => readPack(craft([{ path: 'summary.json', size: 2048 }], Buffer.alloc(2048)), 1024), /more than/);
		assert.throws(
			() => readPack(craft([{ path: 'summary.json', size: 6 * 1024 * 1024 }], Buffer.alloc(6 * 1024 * 1024)), 1024),
			/not readable/,
			'a pack that unpacks past the limit is refused while unpacking',
		);
	});

	it('Redis URLs: redis:// and rediss://, passwords kept out of messages, a password from elsewhere added', () => {
		assert.equal(redisUrlProblem('redis://h:6379'), undefined);
		assert.equal(redisUrlProblem('rediss://user:pw@h:6380/2'), undefined);
		assert.match(redisUrlProblem('http://h')!, /not a Redis URL/);
		assert.match(redisUrlProblem('h:6379')!, /not a Redis URL|not a URL/);
		assert.equal(redactRedisUrl('redis://user:s3cret@h:6379/0'), 'redis://user:***@h:6379/0');
		assert.equal(redactRedisUrl('rediss://user:s3cret@h:6380/2'), 'rediss://user:***@h:6380/2');
		assert.equal(redactRedisUrl('rediss://:s3cret@[::1]:6380'), 'rediss://:***@[::1]:6380');
		assert.equal(redisUrlFrom('rediss://h:6380', 'pw'), 'rediss://:pw@h:6380');
		assert.equal(redisUrlFrom('redis://h:6379', 'p@ss'), 'redis://:p%40ss@h:6379');
		assert.equal(redisUrlFrom('redis://:mine@h:6379', 'other'), 'redis://:mine@h:6379');
	});
});
