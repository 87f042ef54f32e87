import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateText } from '../../engine/core/config/validate';
import { DIAGNOSTIC_CODES } from '../../engine/core/config/diagnostics';
import { probeFileSync } from '../../engine/io/probe';
import { FIXTURES, fmtRange, listConfigs, readExpectations } from '../helpers/fixtures';

const validate = (file: string) =>
	validateText(fs.readFileSync(file, 'utf8'), { probe: (s) => probeFileSync(s, { configDir: path.dirname(file) }) });

describe('validator: caret-marked fixtures', () => {
	const files = listConfigs(path.join(FIXTURES, 'diagnostics'));
	const covered = new Set<string>();

	for (const file of files) {
		it(path.relative(FIXTURES, file), () => {
			const text = fs.readFileSync(file, 'utf8');
			const expected = readExpectations(text);
			assert.ok(expected.length > 0, 'fixture has no expectations');
			const actual = validate(file)
				.diagnostics.map((d) => `${d.code} ${fmtRange(d.range)}`)
				.sort();
			const want = expected.map((e) => `${e.code} ${fmtRange(e.range)}`).sort();
			for (const e of expected) covered.add(e.code);
			assert.deepEqual(actual, want);
		});
	}

	it('covers every diagnostic code', () => {
		const missing = Object.keys(DIAGNOSTIC_CODES).filter((c) => !covered.has(c));
		assert.deepEqual(missing, []);
	});
});

describe('validator: clean configs', () => {
	const files = [...listConfigs(path.join(__dirname, '..', '..', 'examples')), ...listConfigs(path.join(FIXTURES, 'valid'))];
	for (const file of files) {
		it(`${path.basename(file)} has no diagnostics`, () => {
			const r = validate(file);
			assert.deepEqual(
				r.diagnostics.map((d) => `${d.code} ${d.message}`),
				[],
			);
			assert.ok(r.ok);
			assert.ok(r.shapes?.totalParams !== undefined, 'shapes are inferred');
		});
	}
});
