/**
 * The CLI follows LANG / LC_ALL for its human messages (zh_CN.* → Chinese, diagnostics
 * included) and keeps `--json` output English for tools. Through the built bundle.
 */
import * as assert from 'node:assert/strict';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { JobEventNotification, JobStateNotification, SubmitJobRequest, type JobInfo } from '../../engine/core/rpc';
import type { EngineEvent } from '../../engine/core/protocol';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SUMMARY_ZH } from '../../engine/cli/messages';
import { COMMANDS } from '../../engine/cli/commands';
import { HELP_ZH_NAMES } from '../../engine/cli/help.zh-cn';
import { cliIn, LINEAR } from '../helpers/cli';
import { displayWidth } from '../../engine/cli/output';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');
const CJK = /[\u4e00-\u9fff]/;
const FIXTURE = 'test/fixtures/diagnostics/schema.model.yaml';

function cli(args: string[], env: Record<string, string>, cwd = ROOT) {
	const base = { ...process.env };
	for (const k of ['LANG', 'LC_ALL', 'LC_MESSAGES']) delete base[k];
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...base, ...env } });
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

	it('validate under LANG=zh_CN.UTF-8: the YAML parser errors in Chinese, at their line and column', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-l10n-yaml-'));
		try {
			fs.writeFileSync(path.join(dir, 'bad.model.yaml'), 'name: x\ndata:\n\t- 1\nmodel: {layers: [1, 2}\n');
			const zh = cli(['validate', path.join(dir, 'bad.model.yaml')], { LANG: 'zh_CN.UTF-8' });
			const en = cli(['validate', path.join(dir, 'bad.model.yaml')], { LANG: 'C.UTF-8' });
			assert.equal(zh.code, 1, zh.out + zh.err);
			const lines = (out: string) => out.split('\n').filter((l) => / MW001 /.test(l));
			assert.ok(lines(zh.out).length >= 2, zh.out);
			assert.match(zh.out, /:3:1 error MW001 不允许用制表符缩进/);
			assert.deepEqual(
				lines(zh.out).map((l) => l.split(' MW001 ')[0]),
				lines(en.out).map((l) => l.split(' MW001 ')[0]),
			);
			for (const l of lines(zh.out)) assert.match(l.split(' MW001 ')[1]!, CJK, l);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	describe('tune, cv, serve and worker output under LANG=zh_CN.UTF-8', function () {
		this.timeout(180_000);
		let tmp: string;
		const zh = (args: string[]) => cli(args, { LANG: 'zh_CN.UTF-8' }, tmp);
		before(() => {
			tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-l10n-out-'));
			const tuning = `tuning:
  strategy: grid
  workers: 1
  objective: {metric: val_loss}
  space:
    training.optimizer.learningRate: {choice: [0.01, 0.02]}
`;
			fs.writeFileSync(path.join(tmp, 'lin.model.yaml'), LINEAR('lin', tuning));
		});
		after(() => fs.rmSync(tmp, { recursive: true, force: true }));

		it('tune: the start line, trial lines, table headers, statuses, summary and best in Chinese; metric and keys as written', () => {
			const r = zh(['tune', 'lin.model.yaml']);
			assert.equal(r.code, 0, r.out + r.err);
			assert.match(r.out, /^正在调优 lin：grid 搜索，2 个试验，目标：最小化 val_loss$/m);
			assert.match(r.out, /^搜索文件夹：/m);
			assert.match(r.out, /^试验 [12] 已完成：\S+ {2}training\.optimizer\.learningRate=0\.0[12]$/m);
			const table = r.out.split('\n').filter((l) => /^[ *#]\d? /.test(l));
			assert.match(table[0]!, /^# +training\.optimizer\.learningRate +val_loss \(最小\) +状态 +耗时$/);
			// Aligned in terminal columns (a Chinese character takes two): the duration column starts where its header does.
			const col = (l: string) => displayWidth(l.slice(0, l.search(/耗时|\d+(\.\d)? 秒/)));
			assert.ok(table.length === 3 && table.every((l) => col(l) === col(table[0]!)), table.join('\n'));
			assert.match(r.out, /^完成：2 个试验（已完成 2 个、已剪枝 0 个、失败 0 个）。$/m);
			assert.match(r.out, /^最佳：试验 [12]，val_loss \S+ {2}training\.optimizer\.learningRate = 0\.0[12]$/m);
			assert.match(r.out, / 秒$/m, 'trial durations in Chinese units');
			assert.doesNotMatch(r.out, /Tuning|completed|Done|Best/);
		});

		it('tune: a pruned trial says why in Chinese', () => {
			const pruning = `tuning:
  strategy: grid
  workers: 1
  objective: {metric: val_loss}
  pruning: {type: median, warmupEpochs: 1, minTrials: 1}
  space:
    training.optimizer.learningRate: {choice: [0.00001, 0.05]}
`;
			fs.writeFileSync(path.join(tmp, 'prune.model.yaml'), LINEAR('prune', pruning).replace('epochs: 2', 'epochs: 8'));
			const r = zh(['tune', 'prune.model.yaml']);
			assert.equal(r.code, 0, r.out + r.err);
			assert.match(r.out, /^试验 2 已剪枝：.*（在第 \d+ 个轮次被剪枝（median 规则））$/m);
			assert.match(r.out, /^ 2 .*（\S+，部分） +已剪枝 /m);
		});

		it('cv: the fold table headers, statuses and summary in Chinese', () => {
			const r = zh(['cv', 'lin.model.yaml', '--folds', '2']);
			assert.equal(r.code, 0, r.out + r.err);
			assert.match(r.out, /^折 +状态 +mse +mae/m);
			assert.match(r.out, /^1 +已完成 /m);
			assert.match(r.out, /^完成 2\/2 折；均值 ± 总体标准差/m);
			assert.match(r.err, /^第 1\/2 折…$/m);
		});

		it('serve: the serving lines in Chinese; usage errors of serve and worker too', async () => {
			const t = zh(['train', 'lin.model.yaml']);
			assert.equal(t.code, 0, t.out + t.err);
			const child = spawn(process.execPath, [BIN, 'serve', 'latest', '--port', '0'], {
				cwd: tmp,
				env: { ...process.env, LANG: 'zh_CN.UTF-8' },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let out = '';
			try {
				await new Promise<void>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`no serving line: ${out}`)), 60_000);
					child.stdout.on('data', (d: Buffer) => {
						out += d.toString();
						if (out.includes('按 Ctrl+C 停止。')) {
							clearTimeout(timer);
							resolve();
						}
					});
					child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
				});
				assert.match(out, /^正在 http:\/\/127\.0\.0\.1:\d+ 提供 运行 \S+ 的服务（回归，预测 `y`）$/m);
			} finally {
				child.kill('SIGTERM');
			}
			const show = zh(['runs', 'show', 'latest']);
			assert.equal(show.code, 0, show.err);
			assert.match(show.out, /^运行 \S+（lin）— 已完成$/m);
			assert.match(show.out, /^ {2}数据： {4}40 行，1 个输入，标签 y（回归）$/m);
			assert.match(show.out, /^ {2}最终： {4}loss /m);
			assert.match(zh(['runs', 'list']).out, /^\S+ +已完成 +2\/2 个轮次 /m);
			assert.match(zh(['serve', 'latest', '--port', '70000']).err, /--port 最大为 65535。/);
			assert.match(zh(['worker']).err, /请指定 Redis 服务器/);
			assert.match(zh(['tune', 'lin.model.yaml', '--workers', '0']).err, /--workers 必须是正整数，实际为 '0'。/);
		});
	});

	describe('engine messages under LANG=zh_CN.UTF-8: data errors, the data report, trial processes', function () {
		this.timeout(180_000);
		let tmp: string;
		const zh = (args: string[]) => cli(args, { LANG: 'zh_CN.UTF-8' }, tmp);
		const csvConfig = (name: string, file: string, extra = '') =>
			LINEAR(name, extra).replace('source: {type: linear, samples: 40}', `source: {type: csv, path: ${file}}`);
		/** 60 rows of y = 2x; `edit` changes some of them (index 0 is the header, so index i is file line i + 1). */
		const csv = (file: string, edit: (rows: string[]) => void) => {
			const rows = ['x,y', ...Array.from({ length: 60 }, (_, i) => `${i / 10},${(2 * i) / 10}`)];
			edit(rows);
			fs.writeFileSync(path.join(tmp, file), `${rows.join('\n')}\n`);
		};
		before(() => {
			tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-l10n-engine-'));
			csv('bad.csv', (r) => (r[47] = 'abc,1'));
			csv('gaps.csv', (r) => {
				r[4] = '0.3,';
				r[9] = '0.8,';
			});
			fs.writeFileSync(path.join(tmp, 'bad.model.yaml'), csvConfig('bad', 'bad.csv'));
			fs.writeFileSync(path.join(tmp, 'gaps.model.yaml'), csvConfig('gaps', 'gaps.csv'));
			const tuning =
				'tuning:\n  strategy: grid\n  workers: 1\n  objective: {metric: val_loss}\n  space:\n    training.batchSize: {choice: [8, 16]}\n';
			fs.writeFileSync(path.join(tmp, 'badtune.model.yaml'), csvConfig('badtune', 'bad.csv', tuning));
		});
		after(() => fs.rmSync(tmp, { recursive: true, force: true }));

		it('a non-numeric value in a numeric CSV column: the Chinese error names the file line and the value', () => {
			const r = zh(['train', 'bad.model.yaml']);
			assert.equal(r.code, 1, r.out + r.err);
			assert.match(r.err, /bad\.csv:48：列 `x` 是数值列，但这一行的值是 `abc`（该列有 1 个非数值/);
			const en = cli(['train', 'bad.model.yaml'], { LANG: 'C.UTF-8' }, tmp);
			assert.match(en.err, /bad\.csv:48: column `x` holds numbers, but this row has `abc` \(1 non-numeric value in this column/);
		});

		it('rows dropped for a missing label: the data report line in Chinese, with the file lines', () => {
			const r = zh(['train', 'gaps.model.yaml']);
			assert.equal(r.code, 0, r.out + r.err);
			assert.match(r.out, /^ {2}因缺少标签丢弃了 2 行（第 5、10 行）$/m);
			assert.match(r.out, /^数据：58 行（训练 \d+，验证 \d+，测试 \d+），1 个输入，标签 y（回归），因缺失值丢弃了 2 行$/m);
		});

		it('the engine’s own data checks: a refused missing value names its line, an empty feature warns, in Chinese', () => {
			csv('holes.csv', (r) => {
				r[0] = 'x,z,y';
				for (let i = 1; i < r.length; i++) r[i] = `${r[i]!.split(',')[0]},NA,${r[i]!.split(',')[1]}`;
			});
			const holes = (name: string, missing: string) =>
				LINEAR(name)
					.replace('source: {type: linear, samples: 40}', 'source: {type: csv, path: holes.csv}')
					.replace('features: [x]', 'features: [x, z]')
					.replace('  label: y\n', `  label: y\n  missing: ${missing}\n`);
			fs.writeFileSync(path.join(tmp, 'refuse.model.yaml'), holes('refuse', 'error'));
			fs.writeFileSync(path.join(tmp, 'empty.model.yaml'), holes('empty', 'mean'));
			const refused = zh(['train', 'refuse.model.yaml']);
			assert.equal(refused.code, 1, refused.out + refused.err);
			assert.match(refused.err, /第 2 行：列 `z` 缺少值（设置 `fillMissing` 或 `data\.missing` 以丢弃或填充它）。/);
			const empty = zh(['train', 'empty.model.yaml']);
			assert.equal(empty.code, 0, empty.out + empty.err);
			assert.match(empty.err, /^警告：特征 `z` 在 \d+ 个训练行中没有任何值（全部缺失）/m);
		});

		it('predict and evaluate on data that changed since training: the warning and the refusal in Chinese, the file and prints as written', () => {
			csv('drift.csv', () => undefined);
			fs.writeFileSync(path.join(tmp, 'drift.model.yaml'), csvConfig('drift', 'drift.csv'));
			const trained = zh(['train', 'drift.model.yaml']);
			assert.equal(trained.code, 0, trained.out + trained.err);
			csv('drift.csv', (r) => (r[3] = '0.2,9'));
			const p = zh(['predict', 'latest', '--dir', 'drift.model.yaml', '--input', 'drift.csv']);
			assert.equal(p.code, 0, p.out + p.err);
			assert.match(
				p.err,
				/^警告：drift\.csv 是运行 \S+ 训练所用的数据，而它自训练以来已改变：训练时 sha256:[0-9a-f]{16}…，现在 sha256:[0-9a-f]{16}…（/m,
			);
			const e = zh(['evaluate', 'latest', '--dir', 'drift.model.yaml']);
			assert.equal(e.code, 1, e.out + e.err);
			assert.match(e.err, /无法在运行 \S+ 的数据上评估它：数据（.*drift\.csv）自训练以来已改变：训练时 sha256:/);
			assert.match(e.err, /如仍要评估，请加 --allow-data-change。/);
		});

		it('training stops in Chinese: a diverging loss with its hints, early stopping', () => {
			fs.writeFileSync(path.join(tmp, 'nan.model.yaml'), LINEAR('nan').replace('learningRate: 0.01', 'learningRate: 100000'));
			const nan = zh(['train', 'nan.model.yaml']);
			assert.equal(nan.code, 1, nan.out + nan.err);
			assert.match(nan.err, /损失在第 \d+ 个轮次变成了 NaN\/Infinity；训练已停止。可能的原因：学习率（100000）可能过高：试试 10000/);
			fs.writeFileSync(
				path.join(tmp, 'early.model.yaml'),
				LINEAR('early')
					.replace('epochs: 2', 'epochs: 30')
					.replace('  checkpoint: {every: 0}', '  checkpoint: {every: 0}\n  earlyStopping: {patience: 1, minDelta: 1000}'),
			);
			const early = zh(['train', 'early.model.yaml']);
			assert.equal(early.code, 0, early.out + early.err);
			assert.match(early.out, /^已停止：提前停止：`val_loss` 已连续 1 个轮次没有改善（最佳 \S+，在第 1 个轮次）$/m);
		});

		it('the engine process speaks the locale the client passes (MODELWRIGHT_LOCALE): a job’s data error and its data report', async () => {
			const base = { ...process.env };
			delete base.MODELWRIGHT_LOCALE;
			const child = fork(path.join(ROOT, 'dist', 'engine.js'), [], {
				env: { ...base, MODELWRIGHT_LOCALE: 'zh-cn' },
				stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
			});
			const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
			const events: EngineEvent[] = [];
			conn.onNotification(JobEventNotification.type, (p) => events.push(p.event as EngineEvent));
			conn.listen();
			try {
				const finished = (jobId: string) =>
					new Promise<JobInfo & { error?: string }>((resolve) =>
						conn.onNotification(JobStateNotification.type, (p) => {
							if (p.jobId === jobId && (p.state === 'failed' || p.state === 'succeeded' || p.state === 'cancelled')) resolve(p);
						}),
					);
				const bad = await conn.sendRequest(SubmitJobRequest.type, {
					kind: 'train',
					configPath: path.join(tmp, 'bad.model.yaml'),
					workspaceRoot: tmp,
				});
				const failed = await finished(bad.jobId);
				const message = events.find((e): e is Extract<EngineEvent, { method: 'job/failed' }> => e.method === 'job/failed')?.params.message;
				assert.match(message ?? JSON.stringify(failed), /bad\.csv:48：列 `x` 是数值列/);
				const gaps = await conn.sendRequest(SubmitJobRequest.type, {
					kind: 'train',
					configPath: path.join(tmp, 'gaps.model.yaml'),
					workspaceRoot: tmp,
				});
				await finished(gaps.jobId);
				const loaded = events.find((e): e is Extract<EngineEvent, { method: 'job/dataLoaded' }> => e.method === 'job/dataLoaded');
				assert.ok(loaded, 'a data report');
				// The report carries the engine's reasons; the client shows them through dataReportLines in its own locale.
				assert.deepEqual(loaded.params.dropped?.[0], { reason: 'missing label', rows: 2, lines: [5, 10], unit: 'line' });
			} finally {
				conn.dispose();
				child.kill();
			}
		});

		it('a sweep’s trial processes speak the locale the CLI resolved (their data errors in Chinese)', () => {
			const r = zh(['tune', 'badtune.model.yaml']);
			const failed = r.out.split('\n').filter((l) => /^试验 \d 失败/.test(l));
			assert.equal(failed.length, 2, r.out + r.err);
			for (const l of failed) assert.match(l, /bad\.csv:48：列 `x` 是数值列/);
		});
	});

	it('worker under LANG=zh_CN.UTF-8: its log in Chinese through a real Redis sweep', async function () {
		this.timeout(180_000);
		const REDIS = '/usr/bin/redis-server';
		if (!fs.existsSync(REDIS)) throw new Error(`${REDIS} missing: .ci/install-system.sh installs redis-server`);
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-l10n-worker-'));
		const port = await new Promise<number>((resolve) => {
			const srv = net.createServer().listen(0, '127.0.0.1', () => {
				const p = (srv.address() as net.AddressInfo).port;
				srv.close(() => resolve(p));
			});
		});
		const children: ChildProcess[] = [];
		const env = { ...process.env, LANG: 'zh_CN.UTF-8' };
		try {
			children.push(
				spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], {
					stdio: 'ignore',
				}),
			);
			for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++)
				await new Promise((r) => setTimeout(r, 100));
			const url = `redis://127.0.0.1:${port}`;
			const tuning = `tuning:\n  strategy: grid\n  objective: {metric: val_loss}\n  space:\n    training.batchSize: {choice: [8, 16]}\n`;
			fs.writeFileSync(path.join(tmp, 'dist.model.yaml'), LINEAR('dist', tuning));
			const w = spawn(
				process.execPath,
				[BIN, 'worker', '--redis', url, '--concurrency', '1', '--name', 'w1', '--dir', path.join(tmp, 'w1')],
				{
					cwd: tmp,
					env,
					stdio: ['ignore', 'pipe', 'pipe'],
				},
			);
			children.push(w);
			let log = '';
			w.stdout.on('data', (d: Buffer) => (log += d.toString()));
			w.stderr.on('data', (d: Buffer) => (log += d.toString()));
			const t = spawnSync(process.execPath, [BIN, 'tune', 'dist.model.yaml', '--redis', url], {
				cwd: tmp,
				env,
				encoding: 'utf8',
				timeout: 150_000,
			});
			assert.equal(t.status, 0, t.stdout + t.stderr);
			assert.match(t.stdout, /^试验会放到 redis:\/\/127\.0\.0\.1:\d+ 上的 Redis 队列 \S+：/m);
			assert.match(t.stdout, /^试验 1 已完成：\S+ {2}training\.batchSize=(8|16) {2}在 w1 上$/m);
			w.kill('SIGINT');
			await new Promise((r) => w.on('exit', r));
			assert.match(log, /^工作进程 w1：Modelwright \S+（试验协议 \d+），同时运行 1 个试验，Redis redis:\/\/127\.0\.0\.1:\d+，文件夹 /m);
			assert.match(log, /^正在服务搜索 dist（队列 \S+）$/m);
			assert.match(log, /^搜索 dist 的试验 1 已开始（第 1 次尝试，作业 \S+）$/m);
			assert.match(log, /^搜索 dist 的试验 1：已完成$/m);
			assert.match(log, /^工作进程 w1 已停止$/m);
			assert.doesNotMatch(log, /serving sweep|started \(attempt| stopped$/m);
		} finally {
			for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
			fs.rmSync(tmp, { recursive: true, force: true });
		}
	});

	describe('per-command --help', () => {
		const saved = process.env.LANG;
		afterEach(() => {
			process.env.LANG = saved;
		});
		/** `modelwright <name> --help` in-process under LANG. */
		async function help(name: string, lang: string): Promise<string> {
			process.env.LANG = lang;
			const r = await cliIn(ROOT, name, '--help');
			assert.equal(r.code, 0, r.err);
			return r.out;
		}

		it('usage errors of every command in Chinese under LANG=zh_CN.UTF-8, exit code 2', async () => {
			process.env.LANG = 'zh_CN.UTF-8';
			const cases: [string[], RegExp][] = [
				[
					['train', 'examples/iris.model.yaml', '--epochs', '1000000000'],
					/--epochs 必须 ≥ 1 且 ≤ 1000000（对应配置中的 training\.epochs）/,
				],
				[['train', 'examples/iris.model.yaml', '--seed', '1.5'], /--seed 必须是整数/],
				[['inspect'], /请只指定一个配置文件/],
				[['evaluate', 'latest', '--split', 'nope'], /--split 必须是 test、validation 或 train/],
				[['export', 'latest'], /请指定一次运行和 --out/],
				[['export', 'latest', '--out', 'x', '--format', 'pytorch'], /未知的格式 `pytorch`：请使用 tfjs 或 onnx/],
				[['predict'], /请指定一个运行或模型文件夹/],
				[['runs', 'show'], /请指定要 show 的运行/],
				[['runs', 'nope'], /请使用 `runs list`/],
				[['generate', 'shapes'], /请指定写入图像的文件夹/],
				[['generate', 'shapes', 'out', '--noise', '2'], /--noise 必须是 0 到 1 之间的数/],
				[['cv', 'examples/iris.model.yaml', '--epochs', '0'], /--epochs 必须是正整数，实际为 '0'/],
				[['cv', 'examples/iris.model.yaml', '--epochs', '1000001'], /--epochs 必须 ≥ 1 且 ≤ 1000000（对应配置中的 training\.epochs）/],
				[['tune', 'examples/iris.model.yaml'], /配置中没有 `tuning` 部分。/],
				[['tune', 'examples/tuning.model.yaml', '--resume', 'examples'], /examples 不是搜索文件夹（没有 sweep\.json）。/],
			];
			for (const [args, want] of cases) {
				const r = await cliIn(ROOT, ...args);
				assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
				assert.match(r.err, want, args.join(' '));
				assert.match(r.err, /运行 `modelwright \S+ --help` 查看用法。/);
			}
		});

		it('every command has a Chinese help (engine/cli/help.zh-cn.ts)', () => {
			assert.deepEqual([...HELP_ZH_NAMES()].sort(), COMMANDS.map((c) => c.name).sort());
		});

		for (const cmd of COMMANDS)
			it(`${cmd.name} --help under LANG=zh_CN.UTF-8: Chinese, with every option and exit code of the English`, async () => {
				const zh = await help(cmd.name, 'zh_CN.UTF-8');
				const en = await help(cmd.name, 'C.UTF-8');
				assert.equal(en.trim(), cmd.help.trim());
				assert.match(zh, /^用法：modelwright /);
				assert.ok((zh.match(/[\u4e00-\u9fff]/g) ?? []).length > 20, zh);
				const options = (t: string) => [...new Set(t.match(/--[a-z][a-z-]*/g) ?? [])].sort();
				assert.deepEqual(options(zh), options(en), 'the Chinese help names the same options (a new option needs its Chinese line)');
				const exits = (t: string) => (t.match(/(?:Exit codes|退出码)[:：][^]*$/)?.[0].match(/\b\d{1,3}\b/g) ?? []).join(',');
				assert.equal(exits(zh), exits(en));
			});
	});
});
