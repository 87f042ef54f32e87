/**
 * `npm run bench -- peer`: Modelwright against scikit-learn's MLPClassifier/MLPRegressor on the
 * same seeded synthetic table (written once to a temp CSV), the same network, Adam settings,
 * batch size and epochs, no early stopping, no L2 (sklearn alpha = 0). Only the fit is timed on
 * both sides (Modelwright: trainLoop after the data is prepared; sklearn: `fit` in python3).
 * scikit-learn is a peer to measure against, never a dependency: without `import sklearn` the
 * bench prints a skip note. Figures, not pass/fail; quote ratios from one run.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveConfig } from '../engine/core/config/resolve';
import { createRng } from '../engine/core/random';
import { prepareData } from '../engine/runtime/data/prepare';
import { useBackend } from '../engine/runtime/train/backend';
import { trainLoop } from '../engine/runtime/train/loop';
import { printTable } from './util';

export interface Workload {
	label: string;
	rows: number;
	features: number;
	hidden: number[];
	/** Classes (softmax output), or 0 for regression with one output. */
	classes: number;
	lr: number;
	batch: number;
	epochs: number;
}

export const WORKLOADS: Workload[] = [
	{ label: 'p1 1,000×4 → 32-32-5 softmax', rows: 1000, features: 4, hidden: [32, 32], classes: 5, lr: 0.005, batch: 32, epochs: 150 },
	{
		label: 'p2 10,000×20 → 64-64-1 regression',
		rows: 10_000,
		features: 20,
		hidden: [64, 64],
		classes: 0,
		lr: 0.001,
		batch: 64,
		epochs: 50,
	},
	{
		label: 'p3 50,000×100 → 256-128-10 softmax',
		rows: 50_000,
		features: 100,
		hidden: [256, 128],
		classes: 10,
		lr: 0.001,
		batch: 256,
		epochs: 10,
	},
];

/** Seeded features ~ N(0, 1); labels from a fixed random two-layer function, so the task is learnable but not linear. */
export function writeCsv(w: Workload, file: string): void {
	const rng = createRng(13);
	const d = w.features;
	const proj = Math.max(2, w.classes);
	const A = Array.from({ length: proj * d }, () => rng.normal(0, 1 / Math.sqrt(d)));
	const lines = [[...Array.from({ length: d }, (_, j) => `x${j + 1}`), 'label'].join(',')];
	const x = new Float64Array(d);
	for (let i = 0; i < w.rows; i++) {
		for (let j = 0; j < d; j++) x[j] = rng.normal();
		const h = Array.from({ length: proj }, (_, p) => {
			let s = 0;
			for (let j = 0; j < d; j++) s += A[p * d + j]! * x[j]!;
			return Math.tanh(2 * s) + 0.3 * Math.sin(3 * x[p % d]!);
		});
		let label: string;
		if (w.classes) label = String(h.indexOf(Math.max(...h)));
		else label = (h[0]! - h[1]! + 0.1 * rng.normal()).toFixed(5);
		lines.push([...Array.from(x, (v) => v.toFixed(5)), label].join(','));
	}
	fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function modelwright(w: Workload, dir: string, file: string, trainPath: 'auto' | 'tfjs') {
	const config = resolveConfig({
		name: 'peer',
		seed: 1,
		data: {
			source: { type: 'csv', path: path.basename(file) },
			label: 'label',
			task: w.classes ? 'multiclassClassification' : 'regression',
			scale: 'none',
			split: { validation: 0, test: 0 },
		},
		model: {
			layers: [
				...w.hidden.map((units) => ({ type: 'dense', units, activation: 'relu' })),
				{ type: 'dense', units: w.classes || 1, activation: w.classes ? 'softmax' : 'linear' },
			],
		},
		training: {
			loss: w.classes ? 'categoricalCrossentropy' : 'meanSquaredError',
			optimizer: { type: 'adam', learningRate: w.lr, epsilon: 1e-8 },
			epochs: w.epochs,
			batchSize: w.batch,
		},
	});
	const data = await prepareData(config, { configDir: dir });
	const t0 = performance.now();
	const r = await trainLoop({ config, data, trainPath });
	const s = (performance.now() - t0) / 1000;
	const loss = r.history.at(-1)!.loss!;
	r.model.dispose();
	return { s, loss, path: r.trainPath, reason: r.trainPathReason };
}

const PY = `
import json, sys, time, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.exceptions import ConvergenceWarning
warnings.simplefilter('ignore', ConvergenceWarning)
file, hidden, classes, lr, batch, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
data = np.loadtxt(file, delimiter=',', skiprows=1)
X, y = data[:, :-1], data[:, -1]
kw = dict(hidden_layer_sizes=tuple(int(h) for h in hidden.split('-')), activation='relu', solver='adam', alpha=0.0,
          learning_rate_init=lr, batch_size=batch, max_iter=epochs, shuffle=True, random_state=1, tol=0.0,
          n_iter_no_change=epochs + 1, early_stopping=False, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
m = MLPClassifier(**kw) if classes else MLPRegressor(**kw)
if classes: y = y.astype(int)
t = time.perf_counter(); m.fit(X, y); s = time.perf_counter() - t
# MLPRegressor's loss_ is half the mean squared error.
print(json.dumps({'s': s, 'loss': m.loss_ if classes else 2 * m.loss_, 'epochs': m.n_iter_}))
`;

/** The first python that imports sklearn ($PYTHON, python3, then Debian's /usr/bin/python3 when pyenv & co shadow it). */
let python = 'python3';
function sklearnAvailable(): string | undefined {
	for (const py of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
		if (!py) continue;
		try {
			const v = execFileSync(py, ['-c', 'import sklearn; print(sklearn.__version__)'], {
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			});
			python = py;
			return v.trim();
		} catch {
			/* try the next */
		}
	}
	return undefined;
}

function sklearn(w: Workload, file: string): { s: number; loss: number; epochs: number } {
	const out = execFileSync(
		python,
		['-c', PY, file, w.hidden.join('-'), String(w.classes), String(w.lr), String(w.batch), String(w.epochs)],
		{ encoding: 'utf8', maxBuffer: 1 << 20 },
	);
	return JSON.parse(out.trim().split('\n').at(-1)!) as { s: number; loss: number; epochs: number };
}

export async function peerBench(): Promise<void> {
	await useBackend('wasm');
	const version = sklearnAvailable();
	if (!version)
		console.log('scikit-learn not importable by python3: peer columns skipped (apt-get install -y python3-sklearn to measure).');
	const only = process.env.BENCH_PEER?.split(',');
	const withTfjs = process.env.BENCH_TFJS === '1';
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelwright-peer-'));
	const rows: (string | number)[][] = [];
	try {
		for (const w of WORKLOADS) {
			if (only && !only.some((o) => w.label.startsWith(o))) continue;
			const file = path.join(dir, `${w.label.split(' ')[0]}.csv`);
			writeCsv(w, file);
			const mw = await modelwright(w, dir, file, 'auto');
			const tj = withTfjs ? await modelwright(w, dir, file, 'tfjs') : undefined;
			const sk = version ? sklearn(w, file) : undefined;
			rows.push([
				w.label,
				`${mw.s.toFixed(2)} s (${mw.path})`,
				tj ? `${tj.s.toFixed(2)} s` : '-',
				sk ? `${sk.s.toFixed(2)} s` : 'skipped',
				sk ? (mw.s / sk.s).toFixed(2) : '-',
				mw.loss.toFixed(4),
				sk ? sk.loss.toFixed(4) : '-',
			]);
			if (mw.path !== 'fused') console.log(`${w.label}: tfjs path because ${mw.reason}`);
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	console.log(`fit time only; Adam, no early stopping, same batch and epochs${version ? `; scikit-learn ${version} (float64)` : ''}`);
	console.log('loss: final epoch training loss (cross-entropy, or MSE for regression)');
	printTable(['workload', 'modelwright', 'tfjs path', 'scikit-learn', 'ratio mw/sk', 'mw loss', 'sk loss'], rows);
}
