/**
 * The CLI follows LANG / LC_ALL for its human messages (zh_CN.* → Chinese, diagnostics
 * included) and keeps `--json` output English for tools. Through the built bundle.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUMMARY_ZH } from '../../engine/cli/messages';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');
const CJK = /[\u4e00-\u9fff]/;
const FIXTURE = 'test/fixtures/diagnostics/schema.model.yaml';

function cli(args: string[], env: Record<string, string>) {
	const base = { ...process.env };
	for (const k of ['LANG', 'LC_ALL', 'LC_MESSAGES']) delete base[k];
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...base, ...env } });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('modelwright CLI in the terminal language', () => {
	before(function () {
		if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
	});

	it('LANG=zh_CN.UTF-8: Chinese diagnostics and summary, codes and keys as written', () => {
		const r = cli(['validate', FIXTURE], { LANG: 'zh_CN.UTF-8' });
		assert.equal(r.code, 1, r.out + r.err);
		assert.match(r.out, /:15:7 error MW101 未知的键 `untis`.*你是想写 `units` 吗？$/m);
		assert.match(r.out, /^检查了 1 个文件：\d+ 个错误，\d+ 个警告。$/m);
	});

	it('LC_ALL wins over LANG; C and English locales stay English', () => {
		assert.match(cli(['validate', FIXTURE], { LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }).out, /未知的键/);
		const en = cli(['validate', FIXTURE], { LANG: 'zh_CN.UTF-8', LC_ALL: 'C' });
		assert.match(en.out, /error MW101 Unknown key `untis`/);
		assert.doesNotMatch(en.out, CJK);
	});

	it('--json stays English under a Chinese locale', () => {
		const r = cli(['validate', '--json', FIXTURE], { LANG: 'zh_CN.UTF-8' });
		const report = JSON.parse(r.out) as { diagnostics: { code: string; message: string }[] }[];
		const d = report[0]!.diagnostics.find((x) => x.code === 'MW101')!;
		assert.match(d.message, /^Unknown key `untis`/);
		assert.doesNotMatch(r.out, CJK);
	});

	it('usage and errors in Chinese, with a summary for every command', () => {
		const help = cli(['--help'], { LANG: 'zh_CN.UTF-8' });
		assert.match(help.out, /^用法：modelwright <命令> \[选项\]$/m);
		const lines = help.out.split('\n').filter((l) => /^ {2}\S/.test(l));
		assert.ok(lines.length >= 10, help.out);
		for (const l of lines) assert.match(l, CJK, `no zh-CN summary: ${l} (add it to SUMMARY_ZH in engine/cli/messages.ts)`);
		assert.ok(Object.keys(SUMMARY_ZH).length >= lines.length);
		assert.match(cli(['nope'], { LANG: 'zh_CN.UTF-8' }).err, /未知命令 'nope'/);
	});
});
