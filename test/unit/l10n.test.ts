/**
 * The message catalogues outside the VS Code client: every key has a zh-CN entry in Chinese
 * with no placeholder the English lacks; the locale follows the tags clients, LANG and VS Code
 * send; and the validator speaks the process's locale.
 */
import * as assert from 'node:assert/strict';
import { catalogues, format, getLocale, localeFromEnv, localeOf, placeholders, setLocale } from '../../engine/core/l10n';
import '../../engine/core/config/messages';
import '../../server/src/service/messages';
import '../../engine/cli/messages';
import '../../webviews/shared/html';
import '../../engine/core/config/yamlMessages';
import '../../engine/runtime/messages';
import { droppedLine } from '../../engine/core/data/report';
import { validateText } from '../../engine/core/config/validate';
import { describedPaths, overlayKey, pathKey } from '../../engine/core/config/schemaText';
import { SCHEMA_ZH } from '../../engine/core/config/schema.zh-cn';

const CJK = /[\u4e00-\u9fff]/;

describe('l10n: message catalogues', () => {
	afterEach(() => setLocale('en'));

	it('has catalogues to check', () => {
		assert.ok(
			catalogues().length >= 2,
			catalogues()
				.map((c) => c.name)
				.join(', '),
		);
	});

	for (const c of catalogues()) {
		it(`${c.name}: every key has a Chinese zh-CN entry with the English placeholders`, () => {
			const missing: string[] = [];
			for (const [key, english] of Object.entries(c.en)) {
				const zh = c.zh[key];
				if (typeof zh !== 'string' || zh === '') {
					missing.push(`${key}: no entry`);
					continue;
				}
				// Pure punctuation/joiners (' or ', '.') need no CJK; anything with English words does.
				if (/[A-Za-z]{3,}/.test(english.replace(/`[^`]*`|\{\w+\}/g, '')) && !CJK.test(zh)) missing.push(`${key}: not Chinese`);
				const extra = placeholders(zh).filter((p) => !placeholders(english).includes(p));
				if (extra.length) missing.push(`${key}: unknown placeholders ${extra.join(', ')}`);
			}
			assert.deepEqual(missing, []);
			assert.deepEqual(Object.keys(c.zh).sort(), Object.keys(c.en).sort(), 'zh-CN has keys English lacks');
		});
	}

	it('reads locale tags from VS Code, LSP clients and POSIX environments', () => {
		for (const tag of ['zh-cn', 'zh-CN', 'zh_CN.UTF-8', 'zh-Hans', 'zh', 'zh_SG']) assert.equal(localeOf(tag), 'zh-cn', tag);
		for (const tag of ['en', 'en_US.UTF-8', 'C', 'POSIX', '', undefined, 'zh-TW', 'zh_HK.UTF-8', 'de-DE'])
			assert.equal(localeOf(tag), 'en', String(tag));
		assert.equal(localeFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }), 'zh-cn');
		assert.equal(localeFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }), 'en');
		assert.equal(localeFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: '' }), 'zh-cn');
		assert.equal(localeFromEnv({}), 'en');
	});

	it('fills placeholders and leaves unknown ones', () => {
		assert.equal(format('{a} and {b}, {c}', { a: 1, b: 'x' }), '1 and x, {c}');
	});

	it('the validator speaks the locale it is given, English by default', () => {
		const text =
			'data:\n  source: {type: linear}\nmodel:\n  layers:\n    - {type: dense, units: 1, activation: softmax}\ntraining:\n  loss: meanSquaredError\n  epochs: 0\n';
		assert.equal(getLocale(), 'en');
		const en = validateText(text).diagnostics;
		setLocale('zh-CN');
		const zh = validateText(text).diagnostics;
		assert.deepEqual(
			zh.map((d) => d.code),
			en.map((d) => d.code),
		);
		assert.ok(en.length >= 2, JSON.stringify(en));
		for (const d of en) assert.ok(!CJK.test(d.message), d.message);
		for (const d of zh) assert.ok(CJK.test(d.message), `${d.code}: ${d.message}`);
		const fixes = zh.flatMap((d) => d.fixes ?? []);
		assert.ok(fixes.length > 0 && fixes.every((f) => CJK.test(f.title)), JSON.stringify(fixes.map((f) => f.title)));
	});
});

describe('l10n: the zh-CN overlay of the schema descriptions', () => {
	const described = describedPaths();
	const where = (d: (typeof described)[number]) => pathKey(d.tail ? [...d.segs, d.tail] : d.segs) || '$root';

	it('covers every described schema path (add the missing keys to engine/core/config/schema.zh-cn.ts)', () => {
		assert.ok(described.length > 300, `only ${described.length} described paths: the walk lost the schema`);
		// Maps keyed by names (Type.Record) are walked too: a column's preprocessing options, a search dimension.
		for (const p of ['data.preprocessing.*|1.level', 'data.preprocessing.*|1.parts[]=weekday', 'tuning.space.*<int>.int'])
			assert.ok(
				described.some((d) => where(d) === p),
				p,
			);
		const missing = described.filter((d) => overlayKey(d.segs, d.tail) === undefined).map((d) => `${where(d)}: ${d.english}`);
		assert.deepEqual(missing, []);
	});

	it('gives each overlay key one English text (a shared key must not translate two different descriptions)', () => {
		const texts = new Map<string, Set<string>>();
		for (const d of described) {
			const k = overlayKey(d.segs, d.tail);
			if (k !== undefined) texts.set(k, (texts.get(k) ?? new Set()).add(d.english));
		}
		const conflicts = [...texts].filter(([, t]) => t.size > 1).map(([k, t]) => `${k}: ${[...t].join(' | ')}`);
		assert.deepEqual(conflicts, [], 'give the differing paths longer keys');
		const unused = Object.keys(SCHEMA_ZH).filter((k) => !texts.has(k));
		assert.deepEqual(unused, [], 'overlay keys that describe nothing (renamed or removed fields)');
	});

	it('is Chinese, and keeps the formulas of the English', () => {
		const bad: string[] = [];
		for (const d of described) {
			const k = overlayKey(d.segs, d.tail);
			const zh = k === undefined ? undefined : SCHEMA_ZH[k];
			if (zh === undefined) continue;
			if (!CJK.test(zh) && /[A-Za-z]{4,}/.test(d.english.replace(/\$[^$]*\$|`[^`]*`/g, ''))) bad.push(`${where(d)}: not Chinese`);
			const math = (s: string) => (s.match(/\$[^$]*\$/g) ?? []).length;
			if (math(zh) !== math(d.english)) bad.push(`${where(d)}: ${math(d.english)} formulas in English, ${math(zh)} in zh-CN`);
		}
		assert.deepEqual(bad, []);
	});
});

describe('l10n: the YAML parser messages (MW001)', () => {
	afterEach(() => setLocale('en'));
	// One document per kind of parser complaint a config author meets.
	const broken = [
		'a: 1\n b: 2\n',
		'a: [1, 2\n',
		'a: {b: 1 c: 2}\n',
		"a: 'x\n",
		'a:\n\t- 1\n',
		'- a\nb: 1\n',
		'a: @x\n',
		'a: [1,,2]\n',
		'key\nfoo: 1\n',
		'a: |x\n  t\n',
		'a: "\\q"\n',
		'a: &x &y 1\n',
		'a: 1\n---\nb: 2\n',
		'a: {b: [1, 2}\n',
	];
	const mw001 = (text: string) => validateText(text).diagnostics.filter((d) => d.code === 'MW001');

	it('are Chinese under zh-CN, at the ranges the English reports, and name the offending text', () => {
		for (const text of broken) {
			const en = mw001(text);
			setLocale('zh-CN');
			const zh = mw001(text);
			setLocale('en');
			assert.ok(en.length > 0, `no syntax error for ${JSON.stringify(text)}`);
			assert.deepEqual(
				zh.map((d) => d.range),
				en.map((d) => d.range),
				text,
			);
			for (const d of en) assert.ok(!CJK.test(d.message), d.message);
			for (const d of zh)
				assert.ok(CJK.test(d.message) && !/[A-Za-z]{5,}/.test(d.message.replace(/`[^`]*`/g, '')), `${JSON.stringify(text)}: ${d.message}`);
		}
		setLocale('zh-CN');
		assert.match(mw001('a: @x\n')[0]!.message, /@/);
		assert.match(mw001("a: 'x\n")[0]!.message, /缺少右引号 '/);
	});

	it('keep the parser’s own English sentence', () => {
		assert.equal(mw001("a: 'x\n")[0]!.message, "Missing closing 'quote");
		assert.equal(mw001('a:\n\t- 1\n')[0]!.message, 'Tabs are not allowed as indentation');
	});

	it('an unresolved alias (MW003) says so in Chinese', () => {
		setLocale('zh-CN');
		const d = validateText('a: *nope\n').diagnostics.find((x) => x.code === 'MW003');
		assert.ok(d && /无法解析的别名/.test(d.message), JSON.stringify(d));
	});
});

describe('l10n: the data report lines', () => {
	afterEach(() => setLocale('en'));
	const label = { reason: 'missing label', rows: 7, lines: [4, 9, 12], unit: 'line' as const };
	const value = { reason: 'missing value in `petal_width`', rows: 1, lines: [3], unit: 'row' as const };

	it('English as the engine records them', () => {
		assert.equal(droppedLine(label), '7 rows dropped for missing label (lines 4, 9, 12, …)');
		assert.equal(droppedLine(value), '1 row dropped for missing value in `petal_width` (row 3)');
	});

	it('Chinese under zh-CN, the column name and line numbers as written (older runs’ English reasons too)', () => {
		setLocale('zh-CN');
		assert.equal(droppedLine(label), '因缺少标签丢弃了 7 行（第 4、9、12…… 行）');
		assert.equal(droppedLine(value), '因列 `petal_width` 缺少值丢弃了 1 行（第 3 行）');
	});
});
