/**
 * Curves panel in Chromium: time to render R runs × 10,000 epochs (loss and val_loss each) and to
 * apply one live epoch, measured with performance.now() inside the page. Uses the built bundle
 * (dist/webviews, `npm run bench` builds first). Target: a live update under 16 ms at 10 runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, openPanel, servePanels } from '../test/webview/harness';
import { ms, printTable, stats } from './util';

const EPOCHS = 10_000;
const UPDATES = 30;

function bundleDir(): string {
	// Bundled into dist/bench.js, or run from bench/ with tsx.
	const dir = [process.env.MODELWRIGHT_WEBVIEWS_DIR ?? '', join(__dirname, 'webviews'), join(__dirname, '..', 'dist', 'webviews')]
		.filter(Boolean)
		.find((d) => existsSync(join(d, 'curves.js')));
	if (!dir) throw new Error('dist/webviews/curves.js is missing: run `npm run build` first');
	return dir;
}

interface PageResult {
	render: number;
	live: number[];
	grow: number[];
	points: number;
}

export async function webviewBench(): Promise<void> {
	const server = await servePanels(bundleDir());
	const browser = await launchChromium();
	const rows: (string | number)[][] = [];
	try {
		for (const runs of [1, 10, 50]) {
			const p = await openPanel(browser, server, 'curves', { width: 1200, height: 800 });
			// No named inner functions: tsx would wrap them in a helper the page does not have.
			const r = (await p.page.evaluate(
				async ([R, N, U]) => {
					type View = {
						setRuns(r: unknown[]): void;
						append(id: string, pts: unknown[]): void;
						flush(): void;
						upsertRuns(r: unknown[]): void;
						debug(): { points: number };
					};
					const view = (window as unknown as { modelwrightDebug: { curves: View } }).modelwrightDebug.curves;
					const data = [];
					for (let r = 0; r < R; r++) {
						const epochs = new Array<number>(N),
							loss = new Array<number>(N),
							val = new Array<number>(N);
						for (let e = 1; e <= N; e++) {
							epochs[e - 1] = e;
							loss[e - 1] = 1 / Math.sqrt(e) + r * 0.01 + Math.sin(e * 0.37 + r) * 0.01;
							val[e - 1] = loss[e - 1]! * 1.1 + 0.02;
						}
						// The last run is live: its planned epochs are known (the engine reports them).
						data.push({
							id: `r${r}`,
							name: `run ${r}`,
							status: r === R - 1 ? 'running' : 'completed',
							totalEpochs: r === R - 1 ? N + 1000 : N,
							epochs,
							series: { loss, val_loss: val },
						});
					}
					const t0 = performance.now();
					view.setRuns(data);
					view.flush();
					await new Promise<void>((res) => queueMicrotask(res));
					await new Promise<void>((res) => queueMicrotask(res));
					const render = performance.now() - t0;
					const live: number[] = [],
						grow: number[] = [];
					let epoch = N;
					/** Appends one epoch to the last run `U` times, timing each append + redraw. */
					const timeAppends = async (into: number[]) => {
						for (let i = 0; i < U; i++) {
							epoch++;
							const t = performance.now();
							view.append(`r${R - 1}`, [{ epoch, logs: { loss: 1 / Math.sqrt(epoch), val_loss: 1.1 / Math.sqrt(epoch) } }]);
							view.flush();
							await new Promise<void>((res) => queueMicrotask(res));
							into.push(performance.now() - t);
							await new Promise((res) => requestAnimationFrame(res));
						}
					};
					await timeAppends(live);
					// Without planned epochs every new epoch widens the x range: all runs are re-decimated.
					view.upsertRuns([{ id: `r${R - 1}`, name: `run ${R - 1}`, status: 'running', totalEpochs: 0 }]);
					view.flush();
					await new Promise<void>((res) => queueMicrotask(res));
					await timeAppends(grow);
					return { render, live, grow, points: view.debug().points };
				},
				[runs, EPOCHS, UPDATES] as const,
			)) as PageResult;
			const live = stats(r.live),
				grow = stats(r.grow);
			rows.push([
				`${runs} × ${EPOCHS.toLocaleString('en-US')}`,
				runs * 2,
				r.points,
				ms(r.render),
				ms(live.median),
				ms(live.p95),
				ms(grow.median),
				ms(grow.p95),
			]);
			await p.page.close();
		}
	} finally {
		await browser.close();
		await server.close();
	}
	printTable(['runs × epochs', 'series', 'drawn x', 'render', 'live median', 'live p95', 'live (x range grows) median', 'p95'], rows);
	console.log('live = one epoch appended to the running run and redrawn (decimated to the plot width); target < 16 ms at 10 runs.');
}
