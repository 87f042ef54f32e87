/**
 * The validator runs on every keystroke: whatever the text, it must return (never throw)
 * and stay bounded. Seeded, so a failure reproduces.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateText } from '../../engine/core/config/validate';
import { listConfigs } from '../helpers/fixtures';
import { mulberry32 } from '../../engine/core/random';

/** The engine's seeded PRNG, so a failing case reproduces from its seed. */
const rng = mulberry32;

const EXAMPLES = listConfigs(path.join(__dirname, '..', '..', 'examples')).map((f) => fs.readFileSync(f, 'utf8'));
const PIECES = [
	':',
	'-',
	' ',
	'\n',
	'[',
	']',
	'{',
	'}',
	',',
	'"',
	"'",
	'#',
	'&a',
	'*a',
	'!!str',
	'|',
	'>',
	'? ',
	'1e400',
	'-0',
	'NaN',
	'.inf',
	'null',
	'~',
	'true',
	'0x1F',
	'\t',
	'\u0000',
	'\ud83d',
	'type: dense',
	'units: ',
	'<<: *a',
	'9'.repeat(400),
];

/** Validates and fails if it throws or returns something malformed; a generous per-document bound catches blow-ups. */
function check(text: string): void {
	const t = performance.now();
	let r;
	try {
		r = validateText(text);
	} catch (err) {
		assert.fail(`validator threw on ${JSON.stringify(text.slice(0, 200))}: ${(err as Error).stack}`);
	}
	const elapsed = performance.now() - t;
	assert.ok(elapsed < 10_000, `validator took ${elapsed.toFixed(0)} ms on a ${text.length}-char document`);
	for (const d of r.diagnostics) {
		assert.ok(d.range.start.line >= 0 && d.range.start.character >= 0, 'negative position');
		assert.ok(
			d.range.end.line > d.range.start.line ||
				(d.range.end.line === d.range.start.line && d.range.end.character >= d.range.start.character),
			'inverted range',
		);
		assert.ok(typeof d.message === 'string' && d.message.length > 0);
	}
}

describe('validator fuzz', () => {
	it('every truncation of every example', () => {
		for (const ex of EXAMPLES) for (let i = 0; i <= ex.length; i += 7) check(ex.slice(0, i));
	});

	it('random mutations of the examples (seeded)', () => {
		const r = rng(1234);
		for (let n = 0; n < 1500; n++) {
			let text = EXAMPLES[Math.floor(r() * EXAMPLES.length)]!;
			const edits = 1 + Math.floor(r() * 6);
			for (let e = 0; e < edits; e++) {
				const at = Math.floor(r() * text.length);
				const op = r();
				if (op < 0.4) text = text.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)]! + text.slice(at);
				else if (op < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
				else
					text = text.slice(0, at) + text.slice(at).replace(/\d+(\.\d+)?/, String([-1, 0, 1e300, -1e-300, 3.5, 'x'][Math.floor(r() * 6)]));
			}
			check(text);
		}
	});

	it('wrong types in every position', () => {
		const values = ['[]', '{}', 'null', '"text"', '-1', '1e999', 'true', '[1, [2, [3]]]'];
		for (const ex of EXAMPLES) {
			const lines = ex.split('\n');
			lines.forEach((line, i) => {
				const m = /^(\s*-?\s*[\w.[\]$]+:)\s*\S/.exec(line);
				if (!m) return;
				for (const v of values) check([...lines.slice(0, i), `${m[1]} ${v}`, ...lines.slice(i + 1)].join('\n'));
			});
		}
	});

	it('deep nesting, huge inputs and alias bombs', () => {
		check('['.repeat(2000));
		check(`${'['.repeat(500)}${']'.repeat(500)}`);
		check(`a:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}`);
		check(`data: ${'{a: '.repeat(300)}1${'}'.repeat(300)}`);
		const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
		for (let i = 0; i < 8; i++)
			bomb.push(
				`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
					.fill(`*${String.fromCharCode(97 + i)}`)
					.join(', ')}]`,
			);
		check(bomb.join('\n'));
		check(`model:\n  layers:\n${'    - type: dense\n      units: 4\n'.repeat(5000)}`);
		check('x'.repeat(200_000));
		check('\uFEFFdata: 1');
	});
	it('stays linear in unknown and duplicate keys, and takes 200k-item lists (no argument spreads)', function () {
		this.timeout(60_000);
		// Quadratic before: 20k unknown keys took 37 s; 50k would take minutes and hit check()'s bound.
		const head =
			'data: {source: {type: xor}}\nmodel: {layers: [{type: dense, units: 1, activation: sigmoid}]}\ntraining: {loss: binaryCrossentropy}\n';
		const unknown = head + Array.from({ length: 50_000 }, (_, i) => `unknownKey${i}: ${i}`).join('\n');
		const r = validateText(unknown);
		assert.equal(r.diagnostics.filter((d) => d.code === 'MW101').length, 50_000);
		check(unknown);
		const dup = head + Array.from({ length: 50_000 }, (_, i) => `seed: ${i}`).join('\n');
		assert.equal(validateText(dup).diagnostics.filter((d) => d.code === 'MW002').length, 49_999);
		// A 200k-item list overflowed the stack in `diagnostics.push(...schemaDiags)`.
		const features = `data: {source: {type: xor}, features: [${Array.from({ length: 200_000 }, (_, i) => `f${i}`).join(', ')}]}\nmodel: {layers: [{type: dense, units: 1, activation: sigmoid}]}\ntraining: {loss: binaryCrossentropy}\n`;
		assert.equal(validateText(features).diagnostics.filter((d) => d.code === 'MW227').length, 200_000);
	});
});

describe('validator: nesting guard', () => {
	it('refuses flow nesting deeper than the limit with a located MW001, without parsing', () => {
		const text = `data:\n  source: ${'['.repeat(150)}`;
		const r = validateText(text);
		assert.equal(r.diagnostics.length, 1);
		assert.equal(r.diagnostics[0]!.code, 'MW001');
		assert.deepEqual(r.diagnostics[0]!.range.start, { line: 1, character: 10 + 100 });
		assert.ok(!r.resolved);
	});
	it('ignores brackets inside quotes and comments', () => {
		const r = validateText(
			`# ${'['.repeat(300)}\ndescription: "${'{'.repeat(300)}"\ndata: {source: {type: linear}}\nmodel: {layers: [{type: dense, units: 1}]}\ntraining: {loss: meanSquaredError}\n`,
		);
		assert.deepEqual(r.diagnostics, []);
	});
});
