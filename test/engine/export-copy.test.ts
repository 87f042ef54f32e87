/** copyExport never follows links (review finding): not out of a crafted model folder, not through a planted target. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyExport, markExportFolder } from '../../engine/io/exportTarget';

describe('export copy: links are neither read nor written through', () => {
	let tmp: string;
	beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-expcopy-'))));
	afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

	const model = () => {
		const src = path.join(tmp, 'run', 'model');
		fs.mkdirSync(src, { recursive: true });
		fs.writeFileSync(path.join(src, 'model.json'), '{"format":"layers-model"}');
		fs.writeFileSync(path.join(src, 'weights.bin'), Buffer.alloc(16));
		return src;
	};

	it('refuses a weights file that links outside the model folder, copying nothing of it', () => {
		const src = model();
		const secret = path.join(tmp, 'id_rsa');
		fs.writeFileSync(secret, 'SECRET KEY');
		fs.rmSync(path.join(src, 'weights.bin'));
		fs.symlinkSync(secret, path.join(src, 'weights.bin'));
		const out = path.join(tmp, 'out');
		assert.throws(() => copyExport(src, out), /outside/);
		for (const f of fs.readdirSync(out)) assert.ok(!fs.readFileSync(path.join(out, f), 'utf8').includes('SECRET'), f);
	});

	it('replaces a link planted in an earlier export folder instead of writing through it', () => {
		const src = model();
		const out = path.join(tmp, 'out');
		fs.mkdirSync(out);
		markExportFolder(out);
		const victim = path.join(tmp, 'bashrc');
		fs.writeFileSync(victim, 'export PATH=mine');
		fs.symlinkSync(victim, path.join(out, 'model.json'));
		copyExport(src, out);
		assert.equal(fs.readFileSync(victim, 'utf8'), 'export PATH=mine');
		assert.ok(fs.lstatSync(path.join(out, 'model.json')).isFile());
		assert.equal(fs.readFileSync(path.join(out, 'model.json'), 'utf8'), '{"format":"layers-model"}');
	});

	it('copies only the files an export has', () => {
		const src = model();
		fs.writeFileSync(path.join(src, 'notes.txt'), 'x');
		const out = path.join(tmp, 'out');
		copyExport(src, out);
		assert.deepEqual(fs.readdirSync(out).sort(), ['.modelwright-export', 'model.json', 'weights.bin']);
	});
});
