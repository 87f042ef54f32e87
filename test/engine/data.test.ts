/** engine/data: generators, CSV/JSON/bundled loading with located errors, path policy, preprocessing without leakage, splits, k-fold. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../engine/core/config/resolve';
import { generate } from '../../engine/runtime/data/generators';
import { loadRows } from '../../engine/runtime/data/load';
import { readCsv, DataError } from '../../engine/runtime/data/csv';
import { prepareData, toArrays } from '../../engine/runtime/data/prepare';
import { splitIndices, kFoldIndices } from '../../engine/runtime/data/split';
import { loadDataset } from '../../engine/runtime/data/bundled';
import { beta, createRng } from '../../engine/core/random';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-data-'));
const write = (name: string, text: string) => {
	const f = path.join(tmp, name);
	fs.mkdirSync(path.dirname(f), { recursive: true });
	fs.writeFileSync(f, text);
	return f;
};
const policy = { configDir: tmp };

async function rejects(p: Promise<unknown>, re: RegExp): Promise<DataError> {
	try {
		await p;
	} catch (err) {
		assert.ok(err instanceof DataError, String(err));
		assert.match(err.message, re);
		return err;
	}
	assert.fail('expected an error');
}

describe('engine/data', () => {
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('random: mulberry32 stream is seeded and Box-Muller normals have mean 0, sd 1', () => {
		const a = createRng(9);
		const b = createRng(9);
		for (let i = 0; i < 5; i++) assert.equal(a.next(), b.next());
		const r = createRng(1);
		const xs = Array.from({ length: 20000 }, () => r.normal());
		const m = xs.reduce((s, x) => s + x, 0) / xs.length;
		const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
		assert.ok(Math.abs(m) < 0.03 && Math.abs(sd - 1) < 0.03, `${m} ${sd}`);
	});

	it('random: Beta(2, 2) samples have mean 1/2 and variance 1/20', () => {
		const r = createRng(5);
		const xs = Array.from({ length: 20000 }, () => beta(r, 2, 2));
		const m = xs.reduce((s, x) => s + x, 0) / xs.length;
		const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
		assert.ok(Math.abs(m - 0.5) < 0.01 && Math.abs(v - 0.05) < 0.003, `${m} ${v}`);
		assert.ok(xs.every((x) => x > 0 && x < 1));
	});

	it('linear generator is the seed example: x ~ U(0,10), y = 2x + N(0,1), 100 rows, seeded', () => {
		const src = resolveConfig({ data: { source: { type: 'linear' } }, model: { layers: [] }, training: { loss: 'meanSquaredError' } }).data
			.source;
		const rows = generate(src as any, 42);
		assert.equal(rows.length, 100);
		assert.deepEqual(Object.keys(rows[0]!), ['x', 'y']);
		assert.deepEqual(generate(src as any, 42), rows);
		const xs = rows.map((r) => r.x as number);
		const ys = rows.map((r) => r.y as number);
		assert.ok(xs.every((x) => x >= 0 && x < 10));
		const mx = xs.reduce((a, b) => a + b) / 100;
		const my = ys.reduce((a, b) => a + b) / 100;
		const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
		assert.ok(Math.abs(slope - 2) < 0.1, String(slope));
		const resid = ys.map((y, i) => y - 2 * xs[i]!);
		const sd = Math.sqrt(resid.reduce((a, r) => a + r * r, 0) / 100);
		assert.ok(sd > 0.7 && sd < 1.3, String(sd));
	});

	it('xor, circles, spirals, blobs: columns, class balance, labels', () => {
		for (const type of ['xor', 'circles', 'spirals', 'blobs'] as const) {
			const rows = generate({ type, samples: 300 }, 1);
			assert.equal(rows.length, 300);
			assert.ok('x1' in rows[0]! && 'x2' in rows[0] && 'label' in rows[0]);
			const labels = new Set(rows.map((r) => r.label));
			assert.equal(labels.size, type === 'blobs' ? 3 : 2, type);
		}
		const xor = generate({ type: 'xor', samples: 500, noise: 0 } as any, 2);
		assert.ok(xor.every((r) => (r.label === 1) === (r.x1 as number) * (r.x2 as number) > 0));
	});

	it('bundled data sets use DATASET_INFO column names', () => {
		const iris = loadDataset('iris');
		assert.equal(iris.length, 150);
		assert.deepEqual(iris[0], { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2, species: 'setosa' });
		const p = loadDataset('penguins');
		assert.equal(p.length, 344);
		assert.equal(p[0]!.beakLength, 39.1);
		assert.equal(p[0]!.island, 'Torgersen');
		const c = loadDataset('cars');
		assert.equal(c[0]!.year, 1970);
		assert.equal(c[0]!.weight, 3504);
		assert.equal(c[0]!.mpg, 18);
	});

	it('CSV: header, quoted fields with commas and quotes, missing values, numeric detection', async () => {
		const f = write('a.csv', 'name,price,city\n"Smith, J",12.5,"the ""big"" one"\nLee,NA,Paris\nKim,7,?\n');
		const r = await readCsv(f);
		assert.deepEqual(r.columns, ['name', 'price', 'city']);
		assert.deepEqual(r.numeric, ['price']);
		// Rows are records without a prototype (a column may be named `__proto__`): compared by their entries.
		assert.deepEqual(
			r.rows.map((x) => ({ ...x })),
			[
				{ name: 'Smith, J', price: 12.5, city: 'the "big" one' },
				{ name: 'Lee', price: null, city: 'Paris' },
				{ name: 'Kim', price: 7, city: null },
			],
		);
	});

	it('CSV: a ragged row names its line and the missing column', async () => {
		const f = write('ragged.csv', 'a,b,c\n1,2,3\n4,5\n');
		const e = await rejects(
			readCsv(f, { displayName: 'ragged.csv' }),
			/^ragged\.csv:3: row has 2 fields but the header has 3 \(column `c` is missing\)/,
		);
		assert.equal(e.line, 3);
		assert.equal(e.column, 'c');
	});

	it('CSV: a non-number in a numeric column names line and column', async () => {
		const lines = ['x,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i * 2}`)];
		lines[12] = '11,twenty-two';
		const f = write('bad.csv', lines.join('\n'));
		const e = await rejects(
			readCsv(f, { displayName: 'bad.csv' }),
			/^bad\.csv:13: column `y` holds numbers, but this row has `twenty-two`/,
		);
		assert.equal(e.column, 'y');
	});

	it('CSV: an unclosed quote is reported with its line', async () => {
		const f = write('quote.csv', 'a,b\n1,2\n3,"oops\n');
		await rejects(readCsv(f, { displayName: 'quote.csv' }), /^quote\.csv(:\d+)?: .*quote/i);
	});

	it('CSV streams a large file and keeps only the columns used', async () => {
		const n = 100_000;
		const out = fs.createWriteStream(path.join(tmp, 'big.csv'));
		out.write('a,b,c,d,e\n');
		for (let i = 0; i < n; i++) out.write(`${i},${i % 7},x${i % 3},${i * 0.5},${'z'.repeat(20)}\n`);
		await new Promise((r) => out.end(r));
		const r = await readCsv(path.join(tmp, 'big.csv'), { columns: ['a', 'c'] });
		assert.equal(r.rows.length, n);
		assert.deepEqual(Object.keys(r.rows[5]!), ['a', 'c']);
		assert.deepEqual(r.numeric, ['a']);
	});

	it('paths may not escape the config folder unless allowOutside', async () => {
		const outside = path.join(os.tmpdir(), `mw-outside-${process.pid}.csv`);
		fs.writeFileSync(outside, 'x,y\n1,2\n');
		try {
			const src = { type: 'csv', path: path.relative(tmp, outside) } as const;
			await rejects(loadRows(src, { policy, seed: 1 }), /outside/);
			const ok = await loadRows(src, { policy: { ...policy, allowOutside: true }, seed: 1 });
			assert.equal(ok.rows.length, 1);
		} finally {
			fs.rmSync(outside);
		}
	});

	it('JSON and inline rows load', async () => {
		write(
			'rows.json',
			JSON.stringify([
				{ a: 1, b: 'u' },
				{ a: 2, b: 'v' },
			]),
		);
		const j = await loadRows({ type: 'json', path: 'rows.json' }, { policy, seed: 1 });
		assert.deepEqual(j.numeric, ['a']);
		const i = await loadRows({ type: 'inline', rows: [{ a: 1 }, { a: 2 }] }, { policy, seed: 1 });
		assert.equal(i.rows.length, 2);
	});

	it('stratified split keeps class proportions; plain split sizes; deterministic', () => {
		const labels = Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
		const s = splitIndices(150, { validation: 0.2, test: 0.2, seed: 1, labels });
		for (const part of [s.train, s.validation, s.test]) {
			const counts = [0, 0, 0];
			for (const i of part) counts[labels[i]!]!++;
			assert.ok(
				counts.every((c) => c === counts[0]),
				`${counts}`,
			);
		}
		assert.deepEqual(
			[...s.train, ...s.validation, ...s.test].sort((a, b) => a - b),
			labels.map((_, i) => i),
		);
		assert.deepEqual(splitIndices(150, { validation: 0.2, test: 0.2, seed: 1, labels }), s);
		const p = splitIndices(100, { validation: 0.25, test: 0.1, seed: 3 });
		assert.deepEqual([p.train.length, p.validation.length, p.test.length], [65, 25, 10]);
	});

	it('splits a million rows (spreading 160k+ indices into push() overflowed the stack)', () => {
		const s = splitIndices(1_000_000, { validation: 0.1, test: 0.1, seed: 2 });
		assert.deepEqual([s.train.length, s.validation.length, s.test.length], [800_000, 100_000, 100_000]);
		const labels = Array.from({ length: 400_000 }, (_, i) => i % 2);
		assert.equal(splitIndices(400_000, { validation: 0.2, test: 0, seed: 2, labels }).train.length, 320_000);
	});

	it('k-fold: every row validates exactly once, folds are stratified and balanced', () => {
		const idx = Array.from({ length: 90 }, (_, i) => i);
		const labels = idx.map((i) => i % 3);
		const folds = kFoldIndices(idx, 3, { seed: 4, labels });
		assert.equal(folds.length, 3);
		assert.deepEqual(
			folds.flatMap((f) => f.validation).sort((a, b) => a - b),
			idx,
		);
		for (const f of folds) {
			assert.equal(f.validation.length, 30);
			assert.equal(f.train.length, 60);
			assert.deepEqual(
				[0, 1, 2].map((c) => f.validation.filter((i) => labels[i] === c).length),
				[10, 10, 10],
			);
			assert.equal(new Set([...f.train, ...f.validation]).size, 90);
		}
	});

	it('preprocessing is fitted on the training split only and re-applies from its serialised form', async () => {
		const rows = Array.from({ length: 100 }, (_, i) => ({ x: i, c: i % 2 ? 'a' : 'b', z: i % 5 === 0 ? null : i, y: i * 3 }));
		const config = resolveConfig({
			seed: 5,
			data: {
				source: { type: 'inline', rows },
				label: 'y',
				scale: 'standardize',
				preprocessing: { z: { step: 'minMax', fillMissing: 'median' } },
				split: { validation: 0.3, test: 0 },
			},
			model: { layers: [{ type: 'dense', units: 1 }] },
			training: { loss: 'meanSquaredError' },
		});
		const d = await prepareData(config, policy);
		const pre = d.preprocessing;
		assert.deepEqual(pre.inputs, ['x', 'c=a', 'c=b', 'z']);
		const trainRows = d.indices.train.map((i) => rows[i]!);
		const mean = trainRows.reduce((a, r) => a + r.x, 0) / trainRows.length;
		assert.ok(Math.abs(pre.features[0]!.params![0] - mean) < 1e-9, 'mean from training rows');
		const allMean = 49.5;
		assert.notEqual(pre.features[0]!.params![0], allMean);
		const zs = trainRows.map((r) => r.z).filter((v): v is number => v !== null);
		assert.equal(pre.features[2]!.params![0], Math.min(...zs));
		// Standardised training x has mean 0 exactly; validation x does not (no leakage).
		let s = 0;
		for (let i = 0; i < d.train.n; i++) s += d.train.x[i * 4]!;
		assert.ok(Math.abs(s / d.train.n) < 1e-5);
		// Round trip through JSON reproduces the same arrays.
		const again = toArrays(JSON.parse(JSON.stringify(pre)), d.validation!.rows);
		assert.deepEqual(Array.from(again.x), Array.from(d.validation!.x));
	});

	it('missing values: dropRow counts, error names row and column', async () => {
		const rows = [
			{ x: 1, y: 1 },
			{ x: null, y: 2 },
			{ x: 3, y: 3 },
			{ x: 4, y: 4 },
		];
		const base = { model: { layers: [{ type: 'dense', units: 1 }] }, training: { loss: 'meanSquaredError' } };
		const d = await prepareData(resolveConfig({ ...base, data: { source: { type: 'inline', rows }, split: { validation: 0 } } }), policy);
		assert.equal(d.summary.droppedRows, 1);
		assert.equal(d.train.n, 3);
		await rejects(
			prepareData(resolveConfig({ ...base, data: { source: { type: 'inline', rows }, missing: 'error' } }), policy),
			/row 2: missing value in column `x`/,
		);
	});

	it('fold preparation: validation folds partition the non-test rows, test rows never move', async () => {
		const c = resolveConfig({
			seed: 3,
			data: { source: { type: 'blobs', samples: 300 }, split: { validation: 0, test: 0.2, folds: 3 } },
			model: { layers: [{ type: 'dense', units: 3 }] },
			training: { loss: 'sparseCategoricalCrossentropy' },
		});
		const parts = await Promise.all([0, 1, 2].map((index) => prepareData(c, policy, { fold: { index, of: 3 } })));
		const test = parts[0]!.indices.test;
		for (const p of parts) {
			assert.deepEqual(p.indices.test, test);
			assert.equal(p.indices.validation.length, 80);
			assert.equal(p.indices.train.length, 160);
			assert.ok(p.indices.validation.every((i) => !test.includes(i) && !p.indices.train.includes(i)));
		}
		const all = parts.flatMap((p) => p.indices.validation).sort((a, b) => a - b);
		assert.equal(new Set(all).size, 240);
	});
});
