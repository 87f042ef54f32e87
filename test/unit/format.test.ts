import * as assert from 'node:assert/strict';
import { formatDuration, formatMeanStd, formatNumber, remainingMs } from '../../engine/core/format';
import { configDisplayName, freeConfigFileName } from '../../engine/core/config/name';
import { asConfigFileName, configNameFromPath } from '../../engine/core/facts';
import { applyParams } from '../../engine/core/tune/apply';
import { linearFit } from '../../engine/core/stats';
import { formatNumber as panelNumber } from '../../webviews/shared/dom';
import { setLocale } from '../../engine/core/l10n';

describe('number formatting (one formatter for CLI, client and panels)', () => {
	it('4 significant digits, trailing zeros dropped, integers whole', () => {
		assert.equal(formatNumber(0.9023569), '0.9024');
		assert.equal(formatNumber(0.9), '0.9');
		assert.equal(formatNumber(0.7333333333), '0.7333');
		assert.equal(formatNumber(12.3456), '12.35');
		assert.equal(formatNumber(12345.678), '12346', 'the integer part is never cut to an exponent');
		assert.equal(formatNumber(9999.5), '10000', 'rounding that carries into a fifth digit stays whole');
		assert.equal(formatNumber(-9999.7), '-10000');
		assert.equal(formatNumber(99.99999, 2), '100');
		assert.equal(formatNumber(131), '131');
		assert.equal(formatNumber(0), '0');
		assert.equal(formatNumber(-0.0123456), '-0.01235');
		assert.equal(formatNumber(0.00001234567), '1.235e-5');
		assert.equal(formatNumber(0.000012), '1.2e-5');
		assert.equal(formatNumber(2e20), '2e+20');
		assert.equal(formatNumber(NaN), 'NaN');
		assert.equal(formatNumber(-Infinity), '−∞');
		assert.equal(formatNumber(2.04512, 3), '2.05');
	});

	it('mean ± spread: the spread to 2 digits, the mean to the same place, never "± 0"', () => {
		assert.equal(formatMeanStd(0.72912, 0.03612), '0.729 ± 0.036');
		assert.equal(formatMeanStd(0.75, 0), '0.75');
		assert.equal(formatMeanStd(0.75, undefined), '0.75');
		assert.equal(formatMeanStd(0.7333, 0.1), '0.73 ± 0.10');
		assert.equal(formatMeanStd(1234.5, 36.2), '1235 ± 36');
		assert.equal(formatMeanStd(1234.5, 362), '1235 ± 360');
	});

	it('durations', () => {
		assert.equal(formatDuration(420), '0.4s');
		assert.equal(formatDuration(2600), '2.6s');
		assert.equal(formatDuration(12_300), '12s');
		assert.equal(formatDuration(65_000), '1m05s');
		assert.equal(formatDuration(3_720_000), '1h02m');
	});

	it('durations in zh-CN: the given locale, else the process locale', () => {
		assert.equal(formatDuration(2600, 'zh-cn'), '2.6 秒');
		assert.equal(formatDuration(49_600, 'zh-cn'), '50 秒');
		assert.equal(formatDuration(65_000, 'zh-cn'), '1 分 05 秒');
		assert.equal(formatDuration(3_720_000, 'zh-cn'), '1 小时 02 分');
		setLocale('zh-CN');
		try {
			assert.equal(formatDuration(12_300), '12 秒');
			assert.equal(formatDuration(12_300, 'en'), '12s');
		} finally {
			setLocale('en');
		}
	});
});

describe('ETA', () => {
	it('estimates from the epochs after the first (warm-up) one', () => {
		// A 100-epoch run: a 1.2 s first epoch (compilation), then 14 ms per epoch.
		const start = 0;
		const first = { at: start + 1200, done: 1 };
		const now = first.at + 9 * 14;
		assert.equal(remainingMs(first, now, 10, 100), 90 * 14);
		// Averaging over all epochs from the start would say 9× more (10.7 s for 1.3 s left).
		assert.ok((((now - start) / 10) * 90) / remainingMs(first, now, 10, 100)! > 5);
	});

	it('says nothing until a step after the warm-up one has been measured, or when done', () => {
		assert.equal(remainingMs(undefined, 5000, 3, 10), undefined);
		assert.equal(remainingMs({ at: 1000, done: 1 }, 1000, 1, 10), undefined);
		assert.equal(remainingMs({ at: 1000, done: 1 }, 3000, 10, 10), undefined);
	});
});

describe('job names', () => {
	it("a config's name: when it has one, else its file name (the engine's rule)", () => {
		assert.equal(configDisplayName('name: blobs-sweep\nseed: 1\n', '/w/tuning.model.yaml'), 'blobs-sweep');
		assert.equal(configDisplayName('seed: 1\n', '/w/tuning.model.yaml'), 'tuning');
		assert.equal(configDisplayName('name: 3\n', '/w/tuning.model.yaml'), 'tuning', 'not a string: the engine refuses it');
		assert.equal(configDisplayName(': : [\n', '/w/iris.model.json'), 'iris');
		assert.equal(configDisplayName(undefined, '/w/iris.model.yml'), 'iris');
	});
});

describe('the panels use the same formatter', () => {
	it('webviews/shared/dom.ts formatNumber is the core one, with — for no value', () => {
		assert.equal(panelNumber(0.9023569), '0.9024');
		assert.equal(panelNumber(0.9), '0.9');
		assert.equal(panelNumber(null), '—');
		assert.equal(panelNumber(0.30000000000000004, 6), '0.3', 'plot ticks: float noise dropped');
	});
});

describe('New Model Config names', () => {
	it('proposes a file name the folder does not have', () => {
		const taken = new Set(['iris.model.yaml', 'iris-2.model.yaml']);
		assert.equal(
			freeConfigFileName('iris.model.yaml', (n) => taken.has(n)),
			'iris-3.model.yaml',
		);
		assert.equal(
			freeConfigFileName('spirals.model.yaml', (n) => taken.has(n)),
			'spirals.model.yaml',
		);
	});
	it('keeps the .model.yml/.model.json extension and names a file that is not a config', () => {
		assert.equal(
			freeConfigFileName('a.model.JSON', (n) => n === 'a.model.JSON'),
			'a-2.model.JSON',
		);
		assert.equal(
			freeConfigFileName('notes.txt', (n) => n === 'notes.txt'),
			'notes.txt-2',
		);
		assert.deepEqual(['iris.yaml', 'iris.yml', 'iris.JSON', 'iris', 'iris.txt'].map(asConfigFileName), [
			'iris.model.yaml',
			'iris.model.yaml',
			'iris.model.yaml',
			'iris.model.yaml',
			'iris.txt.model.yaml',
		]);
	});
	it('gives the copy its own name:, replacing the template one', () => {
		const text = '# comment\nname: iris\nseed: 1\n';
		assert.equal(applyParams(text, { name: configNameFromPath('/w/iris-3.model.yaml') }), '# comment\nname: iris-3\nseed: 1\n');
	});
});

describe('linear fit (the fitted-line equation)', () => {
	it('recovers slope, intercept and R² = 1 from points on a line', () => {
		const xs = [-1, -0.5, 0, 0.5, 1];
		const fit = linearFit(
			xs,
			xs.map((x) => 2.045 * x + 0.154),
		)!;
		assert.ok(Math.abs(fit.slope - 2.045) < 1e-12 && Math.abs(fit.intercept - 0.154) < 1e-12 && Math.abs(fit.r2 - 1) < 1e-12);
		assert.ok(linearFit(xs, [1, 0, 1, 0, 1])!.r2 < 0.5, 'a zigzag is no line');
		assert.equal(linearFit([1, 1], [2, 3]), undefined, 'no spread in x: no line');
	});
});
