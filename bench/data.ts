/**
 * Data loading at scale: the time to load and prepare a 100k × 50 CSV, and the peak RSS
 * (process.resourceUsage().maxRSS) of whole training jobs on big data: the linear generator with
 * 10,000,000 samples and a 2,000,000 × 20 CSV, one epoch of a small dense model each. Every case
 * runs in a child process, so each RSS is that case's own. Figures, not pass/fail.
 * `BENCH_QUICK=1` shrinks the data for a smoke run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveConfig } from '../engine/core/config/resolve';
import { prepareData } from '../engine/runtime/data/prepare';
import { runJob } from '../engine/runtime/job';
import { printTable } from './util';

const quick = process.env.BENCH_QUICK === '1';
const LOAD_ROWS = quick ? 10_000 : 100_000;
const BIG_CSV_ROWS = quick ? 50_000 : 2_000_000;
const LINEAR_SAMPLES = quick ? 100_000 : 10_000_000;
const LOAD_RUNS = 3;

type ChildCase = { kind: 'load'; dir: string; config: string } | { kind: 'train'; dir: string; config: string };

interface ChildResult {
	ok: boolean;
	message?: string;
	ms: number;
	dataMs?: number;
	trainMs?: number;
	rows?: number;
	/** Peak RSS up to the end of data preparation, and over the whole case (MB). */
	dataPeakMb?: number;
	peakMb: number;
}

const mb = (kb: number) => kb / 1024;

/** Writes `rows` lines of seeded numbers (one column with 0.5% missing cells, one categorical column) and a linear label. */
function writeCsv(file: string, rows: number, columns: number): void {
	let s = 12345;
	const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 20 - 10;
	const numeric = columns - 2;
	const head = [...Array.from({ length: numeric }, (_, j) => `f${j}`), 'kind', 'y'];
	const fd = fs.openSync(file, 'w');
	fs.writeSync(fd, head.join(',') + '\n');
	const kinds = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
	let lines: string[] = [];
	for (let i = 0; i < rows; i++) {
		const cells: string[] = [];
		let y = 0;
		for (let j = 0; j < numeric; j++) {
			const v = Math.round(rnd() * 1e4) / 1e4;
			y += v * ((j % 3) - 1);
			cells.push(j === 1 && i % 200 === 7 ? '' : String(v));
		}
		const k = i % kinds.length;
		cells.push(kinds[k]!, String(Math.round((y + k) * 1e4) / 1e4));
		lines.push(cells.join(','));
		if (lines.length === 10_000) {
			fs.writeSync(fd, lines.join('\n') + '\n');
			lines = [];
		}
	}
	if (lines.length) fs.writeSync(fd, lines.join('\n') + '\n');
	fs.closeSync(fd);
}

const csvConfig = (file: string, rows: number) => `name: bench-csv-${rows}
seed: 1
data:
  source: {type: csv, path: ${file}}
  label: y
  split: {validation: 0.1}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: adam, learningRate: 0.001}
  epochs: 1
  batchSize: 1024
  checkpoint: {every: 0}
`;

const linearConfig = `name: bench-linear
seed: 1
data:
  source: {type: linear, samples: ${LINEAR_SAMPLES}}
  split: {validation: 0.1}
model:
  layers:
    - {type: dense, units: 8, activation: relu}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 1
  batchSize: 4096
  checkpoint: {every: 0}
`;

/** In the child: one case, then its figures as the last line of stdout. */
export async function dataChild(spec: string): Promise<void> {
	const c = JSON.parse(spec) as ChildCase;
	const t0 = performance.now();
	const out: ChildResult = { ok: true, ms: 0, peakMb: 0 };
	try {
		if (c.kind === 'load') {
			const config = resolveConfig(JSON.parse(c.config) as Record<string, unknown>);
			const d = await prepareData(config, { configDir: c.dir });
			out.dataMs = performance.now() - t0;
			out.rows = d.summary.rows;
		} else {
			const configPath = path.join(c.dir, `${path.basename(c.dir)}.model.yaml`);
			fs.writeFileSync(configPath, c.config);
			const r = await runJob({ configPath, runsDir: path.join(c.dir, 'runs'), backend: 'wasm' }, (e) => {
				if (e.method === 'job/dataLoaded') {
					out.dataMs = e.params.ms;
					out.rows = e.params.rows;
					out.dataPeakMb = mb(process.resourceUsage().maxRSS);
				}
				if (e.method === 'job/epochEnd') out.trainMs = (out.trainMs ?? 0) + e.params.ms;
			});
			out.ok = r.status === 'completed';
			if (!out.ok) out.message = `${r.status}: ${r.message ?? ''}`;
		}
	} catch (err) {
		out.ok = false;
		out.message = err instanceof Error ? err.message : String(err);
	}
	out.ms = performance.now() - t0;
	out.peakMb = mb(process.resourceUsage().maxRSS);
	console.log(JSON.stringify(out));
}

function runChild(c: ChildCase): ChildResult {
	const t0 = performance.now();
	const r = spawnSync(process.execPath, [process.argv[1]!, '--data-child', JSON.stringify(c)], {
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	const last = r.stdout.trim().split('\n').pop() ?? '';
	try {
		return JSON.parse(last) as ChildResult;
	} catch {
		const why = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
		const tail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300);
		return { ok: false, message: `${why}: ${tail}`, ms: performance.now() - t0, peakMb: NaN };
	}
}

const fmt = (v: number | undefined, unit: string) =>
	v === undefined || Number.isNaN(v) ? '-' : `${v < 100 ? v.toFixed(1) : v.toFixed(0)} ${unit}`;

export async function dataBench(): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bench-data-'));
	try {
		const rows: (string | number)[][] = [];
		const row = (name: string, r: ChildResult) =>
			rows.push([
				name,
				r.rows ?? '-',
				fmt(r.dataMs, 'ms'),
				fmt(r.trainMs, 'ms'),
				fmt(r.ms, 'ms'),
				fmt(r.dataPeakMb, 'MB'),
				fmt(r.peakMb, 'MB'),
				r.ok ? 'ok' : (r.message ?? 'failed').slice(0, 160),
			]);

		// 1. Loading a 100k × 50 CSV: prepareData (parse, missing values, split, preprocessing, arrays), each run in a fresh process.
		const small = path.join(dir, `load-${LOAD_ROWS}x50.csv`);
		writeCsv(small, LOAD_ROWS, 50);
		const loadConfig = JSON.stringify({
			data: { source: { type: 'csv', path: path.basename(small) }, label: 'y', split: { validation: 0.2 } },
			model: { layers: [{ type: 'dense', units: 1 }] },
			training: { loss: 'meanSquaredError' },
		});
		const loads: number[] = [];
		for (let i = 0; i < LOAD_RUNS; i++) {
			const r = runChild({ kind: 'load', dir, config: loadConfig });
			row(`load ${LOAD_ROWS / 1000}k×50 CSV (run ${i + 1})`, r);
			if (r.ok && r.dataMs !== undefined) loads.push(r.dataMs);
		}
		// The same in this process, warmed up: parsing speed without start-up and first-compile costs.
		const config = resolveConfig(JSON.parse(loadConfig) as Record<string, unknown>);
		const warm: number[] = [];
		for (let i = 0; i < LOAD_RUNS + 1; i++) {
			const t = performance.now();
			await prepareData(config, { configDir: dir });
			if (i > 0) warm.push(performance.now() - t);
		}
		fs.rmSync(small);

		// 2. Training on big data, one epoch, in child processes.
		const linearDir = path.join(dir, 'linear');
		fs.mkdirSync(linearDir);
		row(`train linear ${LINEAR_SAMPLES / 1e6}M samples`, runChild({ kind: 'train', dir: linearDir, config: linearConfig }));
		const csvDir = path.join(dir, 'csv');
		fs.mkdirSync(csvDir);
		const big = path.join(csvDir, 'big.csv');
		const tw = performance.now();
		writeCsv(big, BIG_CSV_ROWS, 20);
		const writeMs = performance.now() - tw;
		row(
			`train CSV ${BIG_CSV_ROWS / 1e6}M×20 (${Math.round(fs.statSync(big).size / 1e6)} MB)`,
			runChild({ kind: 'train', dir: csvDir, config: csvConfig('big.csv', BIG_CSV_ROWS) }),
		);

		printTable(['case', 'rows', 'data ms', 'train ms', 'total ms', 'peak RSS (data)', 'peak RSS', 'status'], rows);
		const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
		const median = (xs: number[]) => sorted(xs)[xs.length >> 1];
		console.log(
			`\nload ${LOAD_ROWS / 1000}k×50: fresh process median ${fmt(median(loads), 'ms')} (${loads.map((v) => v.toFixed(0)).join(', ')}); warm in-process median ${fmt(median(warm), 'ms')} (${warm.map((v) => v.toFixed(0)).join(', ')}); the big CSV took ${fmt(writeMs, 'ms')} to write.`,
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
