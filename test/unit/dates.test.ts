/**
 * The `date` step without tfjs: parsing (ISO, d/m/y and m/d/y, offsets, refusals), the expansion
 * against hand-computed calendars (leap years, weekdays, sin/cos), the widths the validator and
 * shape inference give, the MW236 quick fix, MW246, MW250 (dates export to ONNX) and the schema docs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateText } from '../../engine/core/config/validate';
import {
	DATE_DEFAULTS,
	civilFromDays,
	dateInputNames,
	dateOptions,
	dateWidth,
	daysFromCivil,
	expandDate,
	parseDate,
	type DateOptions,
} from '../../engine/core/data/dates';
import { probeFileSync } from '../../engine/io/probe';
import { applyEdits, FIXTURES } from '../helpers/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const ms = (text: string, format: DateOptions['format'] = 'iso') => {
	const p = parseDate(text, format);
	assert.ok('ms' in p, `${text} does not parse: ${JSON.stringify(p)}`);
	return p.ms;
};
const expand = (text: string, o: Partial<DateOptions>, origin?: number) => {
	const opts = { ...dateOptions({}), ...o };
	const out = new Float64Array(dateWidth(opts));
	expandDate(ms(text), { options: opts, ...(origin !== undefined ? { origin } : {}) }, out, 0);
	return Array.from(out);
};
const close = (got: number[], want: number[]) => {
	assert.equal(got.length, want.length, `${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
	got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) < 1e-12, `[${i}] ${g} ≠ ${want[i]} (${JSON.stringify(got)})`));
};

describe('date step: parsing', () => {
	it('reads ISO dates and date-times, with / and . as separators, as civil dates in UTC', () => {
		assert.equal(ms('1970-01-01'), 0);
		assert.equal(ms('2024-03-05'), Date.UTC(2024, 2, 5));
		assert.equal(ms('2024/03/05'), Date.UTC(2024, 2, 5));
		assert.equal(ms('2024.3.5'), Date.UTC(2024, 2, 5));
		assert.equal(ms('2024-03-05T14:30'), Date.UTC(2024, 2, 5, 14, 30));
		assert.equal(ms('2024-03-05 14:30:15.25'), Date.UTC(2024, 2, 5, 14, 30, 15, 250));
		// An offset is converted to UTC (23:30 at +02:00 is 21:30 UTC; at -05:00 it is 04:30 the next day).
		assert.equal(ms('2024-03-05T23:30:00+02:00'), Date.UTC(2024, 2, 5, 21, 30));
		assert.equal(ms('2024-03-05T23:30-0500'), Date.UTC(2024, 2, 6, 4, 30));
		assert.equal(ms('2024-03-05T10:00Z'), Date.UTC(2024, 2, 5, 10));
		// Year-first texts are read under every format.
		assert.equal(ms('2024-03-05', 'dmy'), Date.UTC(2024, 2, 5));
		assert.equal(ms('2024-03-05', 'mdy'), Date.UTC(2024, 2, 5));
	});

	it('reads day-and-month-first dates only with an explicit format, and refuses them under iso', () => {
		assert.equal(ms('05.03.2024', 'dmy'), Date.UTC(2024, 2, 5));
		assert.equal(ms('05/03/2024', 'dmy'), Date.UTC(2024, 2, 5));
		assert.equal(ms('03/05/2024', 'mdy'), Date.UTC(2024, 2, 5));
		assert.equal(ms('12-31-2023 18:00', 'mdy'), Date.UTC(2023, 11, 31, 18));
		assert.deepEqual(parseDate('03/05/2024', 'iso'), { error: 'ambiguous' });
		assert.deepEqual(parseDate('05.03.2024', 'iso'), { error: 'ambiguous' });
	});

	it('refuses impossible dates: 29 February outside leap years, month 13, hour 24, two-digit years, text', () => {
		assert.equal(ms('2024-02-29'), Date.UTC(2024, 1, 29));
		assert.equal(ms('2000-02-29'), Date.UTC(2000, 1, 29));
		for (const bad of ['2023-02-29', '1900-02-29', '2024-13-01', '2024-04-31', '2024-03-05T24:00', '05/03/24', 'soon', '', '20240305'])
			assert.deepEqual(parseDate(bad, 'dmy'), { error: 'invalid' }, bad);
		assert.deepEqual(parseDate('31/12/2024', 'mdy'), { error: 'invalid' });
	});

	it('day numbers round-trip over four centuries, before 1970 too', () => {
		for (let z = -200_000; z <= 200_000; z += 997) {
			const { y, m, d } = civilFromDays(z);
			assert.equal(daysFromCivil(y, m, d), z);
			assert.equal(Date.UTC(2000, 0, 1) + (z - daysFromCivil(2000, 1, 1)) * 86_400_000, Date.UTC(y, m - 1, d));
		}
	});
});

describe('date step: expansion against hand-computed values', () => {
	const all: Partial<DateOptions> = { parts: ['year', 'month', 'day', 'dayOfYear', 'weekday', 'hour'] };

	it('year, month, day, day of year (leap years), weekday Monday 0 … Sunday 6, hour', () => {
		// 2024 is a leap year: 29 February is day 31 + 29 = 60, a Thursday.
		close(expand('2024-02-29', all), [2024, 2, 29, 60, 3, 0]);
		// 31 December: day 366 in 2024 (a Tuesday), 365 in 2023 (a Sunday).
		close(expand('2024-12-31T23:59', all), [2024, 12, 31, 366, 1, 23]);
		close(expand('2023-12-31', all), [2023, 12, 31, 365, 6, 0]);
		// 2000 is a leap year (divisible by 400), 1900 is not (by 100): 1 March is day 61 and day 60.
		close(expand('2000-03-01', all), [2000, 3, 1, 61, 2, 0]); // a Wednesday
		close(expand('1900-03-01', all), [1900, 3, 1, 60, 3, 0]); // a Thursday
		// 1 January 1970 was a Thursday; 4 January 1970 a Sunday.
		close(expand('1970-01-04T06:00', all), [1970, 1, 4, 4, 6, 6]);
		// The hour is taken after the offset: 23:30 at -05:00 is 04:30 UTC on the 6th, a Wednesday.
		close(expand('2024-03-05T23:30-05:00', all), [2024, 3, 6, 66, 2, 4]);
	});

	it('cyclical: sin/cos of month, day of year (over the days of its year), weekday and hour; year and day stay numbers', () => {
		const c = { parts: ['year', 'month', 'day', 'dayOfYear', 'weekday', 'hour'], cyclical: true } as Partial<DateOptions>;
		// 1 January, 00:00, a Monday (2024-01-01): every angle is 0.
		close(expand('2024-01-01', c), [2024, 0, 1, 1, 0, 1, 0, 1, 0, 1]);
		// April: (4 − 1)/12 of a turn = π/2. 2 July 2024 is day 184 of 366: 183/366 of a turn = π. 18:00 = 3π/2.
		// 2024-04-01 is a Monday (weekday 0).
		const apr = expand('2024-04-01T18:00', { parts: ['month', 'weekday', 'hour'], cyclical: true });
		close(apr, [1, Math.cos(Math.PI / 2), 0, 1, -1, Math.cos((3 * Math.PI) / 2)]);
		close(expand('2024-07-02', { parts: ['dayOfYear'], cyclical: true }), [Math.sin(Math.PI), -1]);
		// In 2023 (365 days) 2 July is day 183: 182/365 of a turn, not half.
		close(expand('2023-07-02', { parts: ['dayOfYear'], cyclical: true }), [
			Math.sin((2 * Math.PI * 182) / 365),
			Math.cos((2 * Math.PI * 182) / 365),
		]);
		// Sunday is 6/7 of a turn, next to Monday.
		close(expand('2024-03-10', { parts: ['weekday'], cyclical: true }), [Math.sin((12 * Math.PI) / 7), Math.cos((12 * Math.PI) / 7)]);
	});

	it('elapsed days count from the fitted origin, across 29 February, fractional with a time', () => {
		const origin = ms('2024-02-28');
		close(expand('2024-03-01', { parts: [], elapsed: 'days' }, origin), [2]);
		close(expand('2023-03-01', { parts: [], elapsed: 'days' }, ms('2023-02-28')), [1]);
		close(expand('2024-03-01T12:00', { parts: ['year'], elapsed: 'days' }, origin), [2024, 2.5]);
		close(expand('2024-02-27', { parts: [], elapsed: 'days' }, origin), [-1]);
	});

	it('widths and input names follow the options; parts default to year, month, dayOfYear, weekday (none with elapsed)', () => {
		assert.equal(dateWidth(dateOptions({})), 4);
		assert.equal(dateWidth(dateOptions({ cyclical: true })), 1 + 2 + 2 + 2);
		assert.equal(dateWidth(dateOptions({ elapsed: 'days' })), 1);
		assert.equal(dateWidth(dateOptions({ parts: ['year', 'hour'], cyclical: true, elapsed: 'days' })), 1 + 2 + 1);
		assert.deepEqual(dateInputNames('when', dateOptions({ parts: ['day', 'month'], cyclical: true, elapsed: 'days' })), [
			'when.day',
			'when.month.sin',
			'when.month.cos',
			'when.elapsedDays',
		]);
	});
});

const config = (prep: string, extra = '') =>
	`data:\n  source:\n    type: inline\n    rows:\n      - {when: '2024-03-05', x: 1, y: 0}\n      - {when: '2024-03-06', x: 2, y: 1}\n  label: y\n  preprocessing:\n${prep}model:\n  layers:\n    - type: dense\n      units: 3\n    - type: dense\n      units: 1\n      activation: sigmoid\ntraining:\n  loss: binaryCrossentropy\n  batchSize: 1\n${extra}`;

describe('date step: the validator', () => {
	it('the schema defaults of the date step are the engine defaults', () => {
		const v = validateText(config('    when: {step: date}\n'));
		const entry = v.resolved!.data.preprocessing!.when as Record<string, unknown>;
		for (const [k, def] of Object.entries(DATE_DEFAULTS)) assert.equal(entry[k], def, k);
		assert.equal(entry.parts, undefined, '`parts` has no schema default (it depends on `elapsed`)');
	});

	it('shape inference knows the width: inputs and parameter counts follow parts, cyclical and elapsed', () => {
		const cases: [string, number][] = [
			['    when: date\n', 4 + 1],
			['    when: {step: date, cyclical: true}\n', 7 + 1],
			['    when: {step: date, parts: [hour], cyclical: true, elapsed: days}\n', 3 + 1],
			['    when: {step: date, elapsed: days}\n', 1 + 1],
		];
		for (const [prep, inputs] of cases) {
			const v = validateText(config(prep));
			assert.deepEqual(
				v.diagnostics.map((d) => `${d.code} ${d.message}`),
				[],
				prep,
			);
			assert.equal(v.data?.inputSize, inputs, prep);
			// dense 3 over the inputs, then dense 1: (n + 1)·3 + (3 + 1).
			assert.equal(v.shapes?.totalParams, (inputs + 1) * 3 + 4, prep);
		}
	});

	it('MW246: date options on another step, and a date step that writes nothing', () => {
		const one = validateText(config('    when: {step: oneHot, cyclical: true}\n')).diagnostics.filter((d) => d.code === 'MW246');
		assert.equal(one.length, 1);
		assert.match(one[0]!.message, /`cyclical` is an option of the date step, but `when` has `step: oneHot`/);
		const empty = validateText(config('    when: {step: date, parts: []}\n')).diagnostics.filter((d) => d.code === 'MW246');
		assert.equal(empty.length, 1);
		assert.match(empty[0]!.message, /writes no value/);
	});

	it('MW250 lets the date step through: the ONNX graph takes its days since 1970 and computes the parts', () => {
		const on = validateText(config('    when: {step: date, cyclical: true, elapsed: days}\n', 'export:\n  formats: [tfjs, onnx]\n'));
		assert.deepEqual(
			on.diagnostics.filter((x) => x.code === 'MW250'),
			[],
		);
		assert.ok(on.ok, JSON.stringify(on.diagnostics));
	});

	it('MW236 on a date-like column offers the date step first, and taking it clears the warning', () => {
		const file = path.join(FIXTURES, 'diagnostics', 'csv', 'table.model.yaml');
		const text = fs.readFileSync(file, 'utf8');
		const probe = { probe: (s: Parameters<typeof probeFileSync>[0]) => probeFileSync(s, { configDir: path.dirname(file) }) };
		const d = validateText(text, probe).diagnostics.find((x) => x.code === 'MW236' && /looks like dates/.test(x.message));
		assert.ok(d, 'MW236 for the date column');
		assert.match(d.message, /`date` step/);
		assert.equal(d.fixes?.[0]?.title, 'Read `date` as dates (`date` step)');
		assert.equal(d.fixes?.[0]?.preferred, true);
		assert.ok(d.fixes?.slice(1).some((f) => /Leave `date` out/.test(f.title) && !f.preferred));
		const after = applyEdits(text, d.fixes[0]!.edits);
		assert.match(after, /preprocessing:\s*\n?\s*date: date/);
		const left = validateText(after, probe).diagnostics.filter((x) => x.code === 'MW236' && /date/.test(x.message));
		assert.deepEqual(
			left.map((x) => x.message),
			[],
		);
	});

	it('docs/config.md documents the step and its options', () => {
		const doc = fs.readFileSync(path.join(ROOT, 'docs', 'config.md'), 'utf8');
		for (const s of ['A date or date-time text → numbers', '`cyclical`', '`elapsed`', '`unparseable`', 'Monday 0 … Sunday 6'])
			assert.ok(doc.includes(s), `docs/config.md lacks ${s} (run npm run generate)`);
	});
});
