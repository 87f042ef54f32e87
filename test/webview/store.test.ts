/** The curves data model and the panel HTML, in Node (no browser needed). */
import { strict as assert } from 'node:assert';
import { buildFrame, csvCell, CurveStore, detectOverfitting, emaStep, Growable } from '../../webviews/curves/store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, makeNonce, PANEL_ASSETS, renderPanelHtml } from '../../webviews/shared/html';
import { CurvesAppend, isMessage, message, RevealLayer } from '../../webviews/protocol';

const run = (id: string, n: number, f: (e: number) => Record<string, number | null>) => {
	const epochs = Array.from({ length: n }, (_, i) => i + 1);
	const series: Record<string, (number | null)[]> = {};
	for (const e of epochs) for (const [k, v] of Object.entries(f(e))) (series[k] ??= []).push(v);
	return { id, name: id, status: 'completed' as const, epochs, series };
};

describe('webview: curves store', () => {
	it('smooths with a debiased EMA (the first value is not pulled towards 0)', () => {
		const st = { last: 0, count: 0 };
		assert.equal(emaStep(st, 10, 0.9), 10);
		assert.ok(Math.abs(emaStep(st, 20, 0.9) - 2.9 / 0.19) < 1e-12);
		const s2 = { last: 0, count: 0 };
		emaStep(s2, 10, 0.5);
		assert.ok(Math.abs(emaStep(s2, 20, 0.5) - (0.5 * 5 + 10) / 0.75) < 1e-12);
		assert.ok(Number.isNaN(emaStep(s2, NaN, 0.5)), 'NaN stays a gap');
		assert.equal(emaStep({ last: 0, count: 0 }, 3, 0), 3);
	});

	it('appends live epochs, records NaN, and replaces the tail on resume', () => {
		const s = new CurveStore();
		s.init([run('a', 3, (e) => ({ loss: 1 / e }))]);
		const structure = s.structure;
		s.append('a', [{ epoch: 4, logs: { loss: 0.2 } }]);
		assert.equal(s.structure, structure, 'no new series: no rebuild');
		s.append('a', [{ epoch: 5, logs: { loss: 0.1, val_loss: null } }]);
		assert.equal(s.structure, structure + 1, 'a new key needs a rebuild');
		const r = s.runs.get('a')!;
		assert.equal(r.epochs.length, 5);
		assert.ok(Number.isNaN(r.tracks.get('val_loss')!.ys.get(0)), 'back-filled');
		assert.equal(r.nanEpoch, 5);
		s.append('a', [{ epoch: 3, logs: { loss: 0.5, val_loss: 0.6 } }]);
		assert.deepEqual(Array.from(r.epochs.data.subarray(0, r.epochs.length)), [1, 2, 3]);
		assert.equal(r.tracks.get('loss')!.ys.get(2), 0.5);
		assert.equal(r.nanEpoch, undefined);
	});

	it('detects overfitting only when val_loss rises while loss falls', () => {
		const g = (f: (e: number) => number) => Growable.from(Array.from({ length: 40 }, (_, i) => f(i + 1)));
		const epochs = g((e) => e);
		const loss = g((e) => 1 / e);
		const found = detectOverfitting(
			epochs,
			loss,
			g((e) => 0.5 + Math.abs(e - 20) * 0.01),
		);
		assert.ok(found && found.epoch >= 19 && found.epoch <= 23, JSON.stringify(found));
		assert.equal(
			detectOverfitting(
				epochs,
				loss,
				g((e) => 1.2 / e),
			),
			undefined,
			'healthy',
		);
		assert.equal(
			detectOverfitting(
				epochs,
				g(() => 0.3),
				g((e) => 0.5 + Math.abs(e - 20) * 0.01),
			),
			undefined,
			'training loss flat: not overfitting',
		);
		// The false alarm: val loss 0.69 → 0.0024, then 0.0033 (+34%) while val accuracy stays 1.0.
		const tinyRise = g((e) => (e <= 20 ? 0.69 * Math.exp(-e / 3.2) + 0.0024 : 0.0024 + (e - 20) * 0.000045));
		assert.equal(detectOverfitting(epochs, loss, tinyRise), undefined, 'a rise at the floor is noise');
		const acc = g(() => 1);
		const realRise = g((e) => 0.5 + Math.abs(e - 20) * 0.01);
		assert.equal(detectOverfitting(epochs, loss, realRise, acc), undefined, 'validation accuracy stayed perfect');
		assert.ok(
			detectOverfitting(
				epochs,
				loss,
				realRise,
				g(() => 0.9),
			),
			'a flat, imperfect accuracy does not veto',
		);
		assert.ok(
			detectOverfitting(
				epochs,
				loss,
				realRise,
				g((e) => (e <= 20 ? 0.9 : 0.9 - (e - 20) * 0.005)),
			),
			'accuracy fell too',
		);
	});

	it('decimates per pixel column keeping each column min and max', () => {
		const s = new CurveStore();
		s.init([run('a', 10_000, (e) => ({ loss: e === 7777 ? 9 : e === 3333 ? -9 : Math.sin(e) }))]);
		const f = buildFrame(s.tracks(), 1, 10_000, 500, false, false);
		assert.equal(f.exact, false);
		assert.equal(f.x.length, 1000);
		const ys = f.raw[0]!.filter((v): v is number => v !== null);
		assert.equal(Math.max(...ys), 9);
		assert.equal(Math.min(...ys), -9);
		const exact = buildFrame(s.tracks(), 100, 200, 500, false, false);
		assert.equal(exact.exact, true);
		assert.equal(exact.x[0], 99, 'one point beyond the left edge keeps the line going');
		assert.equal(exact.raw[0]![1], Math.sin(100));
	});

	it('writes CSV with quoted names and no spreadsheet formulas', () => {
		assert.equal(csvCell('plain'), 'plain');
		assert.equal(csvCell('a,b'), '"a,b"');
		assert.equal(csvCell('say "hi"'), '"say ""hi"""');
		assert.equal(csvCell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
		const s = new CurveStore();
		s.init([run('r,1', 2, (e) => ({ loss: e, acc: e === 2 ? null : 0.5 }))]);
		assert.equal(s.toCsv(), 'run,epoch,loss,acc\n"r,1",1,1,0.5\n"r,1",2,2,\n');
	});
});

describe('webview: panel HTML and protocol', () => {
	it('renders a document with a strict nonce CSP and escaped attributes', () => {
		const nonce = makeNonce();
		const html = renderPanelHtml({
			scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/x/curves.js',
			styleUri: 'https://file+.vscode-resource.vscode-cdn.net/x/curves.css',
			cspSource: 'https://*.vscode-cdn.net',
			nonce,
			title: 'A <b>"run"</b>',
		});
		const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
		assert.equal(
			csp,
			`default-src 'none'; img-src https://*.vscode-cdn.net; style-src https://*.vscode-cdn.net 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src https://*.vscode-cdn.net`,
		);
		assert.ok(html.includes('<title>A &lt;b&gt;&quot;run&quot;&lt;/b&gt;</title>'));
		assert.ok(!/ on\w+=/i.test(html), 'no inline handlers');
		assert.equal((html.match(/<script/g) ?? []).length, 1);
		assert.ok(html.includes(`<script nonce="${nonce}" src=`));
	});

	it('refuses a CSP source or nonce that would widen the policy', () => {
		assert.throws(() => contentSecurityPolicy("https://x 'unsafe-inline'", 'abc'));
		assert.throws(() => contentSecurityPolicy('https://x; script-src *', 'abc'));
		assert.throws(() => contentSecurityPolicy('https://x', "a' 'unsafe-eval"));
	});

	it("accepts VS Code's real cspSource, a list with 'self'", () => {
		assert.match(contentSecurityPolicy("'self' https://*.vscode-cdn.net", 'abc'), /img-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
	});

	it('allows data: images only in the panels that make them (thumbnails, the PNG export)', () => {
		const csp = (kind: keyof typeof PANEL_ASSETS) =>
			/content="([^"]+)"/.exec(
				renderPanelHtml({ scriptUri: 's', styleUri: 'c', cspSource: 'https://x', nonce: 'n', title: 't', kind }),
			)![1]!;
		for (const kind of Object.keys(PANEL_ASSETS) as (keyof typeof PANEL_ASSETS)[])
			assert.equal(/img-src [^;]*data:/.test(csp(kind)), kind === 'evaluation' || kind === 'architecture', kind);
	});

	it('names a bundle entry for every panel', () => {
		for (const [kind, a] of Object.entries(PANEL_ASSETS)) {
			assert.equal(a.script, `dist/webviews/${kind}.js`);
			assert.ok(existsSync(join(__dirname, '..', '..', 'webviews', kind, 'main.ts')), `webviews/${kind}/main.ts`);
		}
	});

	it('makes unguessable base64url nonces', () => {
		const a = makeNonce(),
			b = makeNonce();
		assert.match(a, /^[A-Za-z0-9_-]{32}$/);
		assert.notEqual(a, b);
	});

	it('builds and narrows typed messages', () => {
		const m = message(CurvesAppend.type, { runId: 'r', points: [{ epoch: 1, logs: { loss: 1 } }] });
		assert.deepEqual(m, { method: 'modelwright/curves/append', params: { runId: 'r', points: [{ epoch: 1, logs: { loss: 1 } }] } });
		assert.ok(isMessage(CurvesAppend.type, m));
		assert.ok(!isMessage(RevealLayer.type, m));
		assert.equal(RevealLayer.type.direction, 'pageToHost');
		assert.equal(CurvesAppend.type.direction, 'hostToPage');
	});
});
