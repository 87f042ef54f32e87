/**
 * The validator reads a data file's head as a table: a CSV header that names a column twice, or a
 * file with a header and no rows, is a located MW225 in the editor and in `validate`, as the
 * engine's reader would refuse it after a run folder exists; a header-only file no longer reads as
 * "Column `y` is not in the data. Columns: ." (its columns were lost with its rows).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { factsFromHead, parseCsvHeadTable, readHeadSync, validateConfig } from '../../engine/io/probe';
import { decodePredictions } from '../../engine/runtime/serve';
import { runJob } from '../../engine/runtime/job';
import { parseValues } from '../../engine/cli/commands/predict';
import { infoFromRows } from '../../engine/core/data/info';

describe('data probe: the head read as a table', () => {
	let dir: string;
	before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-probe-table-'))));
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	const check = (file: string, body: string, type: 'csv' | 'json' = 'csv') => {
		fs.writeFileSync(path.join(dir, file), body);
		const text = `name: t\ndata:\n  source: {type: ${type}, path: ${file}}\n  label: y\nmodel:\n  layers: [{type: dense, units: 1}]\ntraining: {loss: meanSquaredError}\n`;
		const configPath = path.join(dir, 't.model.yaml');
		fs.writeFileSync(configPath, text);
		return validateConfig(configPath, text, {}).diagnostics.filter((d) => d.severity === 'error');
	};

	it('a column named twice in the header is MW225 at the path, naming the column', () => {
		const errors = check('dup.csv', 'a,b,a,y\n1,2,3,0\n4,5,6,1\n');
		assert.deepEqual(
			errors.map((e) => [e.code, e.path?.join('.'), e.message]),
			[['MW225', 'data.source.path', 'The header of `dup.csv` names column `a` twice.']],
		);
	});

	it('a header with no rows (or an empty file, or an empty JSON array) is MW225 "no data rows", not a missing label', () => {
		for (const [file, body, type] of [
			['head.csv', 'a,b,y\n', 'csv'],
			['blank.csv', '', 'csv'],
			['empty.json', '[]', 'json'],
		] as const) {
			const errors = check(file, body, type);
			assert.deepEqual(
				errors.map((e) => [e.code, e.message]),
				[['MW225', `\`${file}\` has no data rows.`]],
				file,
			);
		}
	});

	it('a header longer than the probed head leaves the columns unknown, not "Column `y` is not in the data"', () => {
		const names = Array.from({ length: 300_000 }, (_, i) => `column_${i}`);
		assert.deepEqual(check('huge-header.csv', [...names, 'y'].join(',') + '\n' + '1,'.repeat(names.length) + '0\n'), []);
	});

	it("a row whose field count is not the header's is MW225 naming its line, as the engine would refuse it", () => {
		const errors = check('ragged.csv', 'a,b,y\n1,2,0\n3,4\n5,6,1\n');
		assert.deepEqual(
			errors.map((e) => [e.code, e.message]),
			[['MW225', '`ragged.csv` line 3 has 2 fields, but the header has 3.']],
		);
	});

	it("keeps the header's column order (an integer-like name such as 2020 is not moved first)", () => {
		fs.writeFileSync(path.join(dir, 'years.csv'), 'b,2020,a\n1,2,3\n4,5,6\n');
		const r = factsFromHead(readHeadSync(path.join(dir, 'years.csv')), { type: 'csv', path: 'years.csv' }, path.join(dir, 'years.csv'));
		assert.ok(r?.ok);
		assert.deepEqual(
			[r.info.columns, r.info.numeric],
			[
				['b', '2020', 'a'],
				['b', '2020', 'a'],
			],
		);
	});

	it('keeps reading good heads: a BOM, quoted names and a cut last line', () => {
		assert.deepEqual(check('bom.csv', '\uFEFFa,"b, c",y\n1,2,0\n3,4,1\n'), []);
		const t = parseCsvHeadTable('a,b,y\n1,2,3\n4,5,6\n7,8', ',', undefined, false);
		assert.deepEqual(t.header, ['a', 'b', 'y']);
		assert.deepEqual(
			t.rows.map((r) => ({ ...r })),
			[
				{ a: 1, b: 2, y: 3 },
				{ a: 4, b: 5, y: 6 },
			],
		);
	});

	it('columns named __proto__, constructor and toString are columns like any other: validated, trained, predicted', async function () {
		this.timeout(60_000);
		const head = '__proto__,constructor,toString,kind,y';
		const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2},${i % 3 ? 'a' : '__proto__'},${i % 2}`);
		fs.writeFileSync(path.join(dir, 'proto.csv'), [head, ...rows].join('\n') + '\n');
		const text = `name: proto\ndata:\n  source: {type: csv, path: proto.csv}\n  label: y\n  features: [__proto__, constructor, toString]\nmodel:\n  layers: [{type: dense, units: 1, activation: sigmoid}]\ntraining: {loss: binaryCrossentropy, epochs: 1}\n`;
		const configPath = path.join(dir, 'proto.model.yaml');
		fs.writeFileSync(configPath, text);
		const v = validateConfig(configPath, text, {});
		assert.deepEqual(
			v.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
		// Three inputs: a lost `__proto__` (the prototype setter) or a skipped inherited name made it fewer.
		assert.equal(v.shapes?.totalParams, 3 + 1);
		const r = await runJob({ configPath }, () => undefined);
		assert.equal(r.status, 'completed', r.message);
		assert.equal(r.weights?.weight.length, 3);
		const row = parseValues('__proto__=1, constructor=2, toString=0', ['__proto__', 'constructor', 'toString'])[0]!;
		assert.deepEqual(Object.entries(row), [
			['__proto__', 1],
			['constructor', 2],
			['toString', 0],
		]);
		// A category value `__proto__` is counted like any other value.
		const info = infoFromRows(parseCsvHeadTable(fs.readFileSync(path.join(dir, 'proto.csv'), 'utf8')).rows);
		assert.deepEqual(info.columns, ['__proto__', 'constructor', 'toString', 'kind', 'y']);
		assert.equal(info.counts?.kind?.['__proto__'], 14);
	});

	it('named inputs over columns named __proto__ and constructor get their width; a class named __proto__ keeps its probability', () => {
		fs.writeFileSync(path.join(dir, 'named.csv'), '__proto__,constructor,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
		const text = `name: named\ndata:\n  source: {type: csv, path: named.csv}\n  label: y\nmodel:\n  inputs:\n    - {name: a, features: [__proto__, constructor]}\n  layers: [{type: dense, units: 1, activation: sigmoid, from: a}]\ntraining: {loss: binaryCrossentropy}\n`;
		const configPath = path.join(dir, 'named.model.yaml');
		fs.writeFileSync(configPath, text);
		const v = validateConfig(configPath, text, {});
		assert.deepEqual(
			v.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
		assert.equal(v.shapes?.totalParams, 2 + 1);
		const pre = { task: 'binaryClassification', label: { column: 'y', encoding: 'binary', classes: ['__proto__', 'b'] } } as never;
		const [p] = decodePredictions(pre, new Float32Array([0.25]), 1, 1) as { probabilities: Record<string, number> }[];
		assert.deepEqual(Object.entries(p!.probabilities), [
			['__proto__', 0.75],
			['b', 0.25],
		]);
	});

	it('a single dense unit fed through `from` (a functional model) trains and reports its weights', async function () {
		this.timeout(60_000);
		const text = `name: unit\ndata:\n  source: {type: linear, samples: 50}\nmodel:\n  layers: [{type: dense, units: 1, from: input}]\ntraining: {loss: meanSquaredError, epochs: 2}\n`;
		const configPath = path.join(dir, 'unit.model.yaml');
		fs.writeFileSync(configPath, text);
		const r = await runJob({ configPath }, () => undefined);
		assert.equal(r.status, 'completed', r.message);
		assert.equal(r.weights?.weight.length, 1);
	});
});
