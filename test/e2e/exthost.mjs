// Extension-host tests: mocha inside code-server's extension host with the real `vscode` API.
// The workbench's ?payload= parameter carries extensionDevelopmentPath / extensionTestsPath
// (code-server rejects the CLI flags); the exit code comes back through window.codeAutomationExit.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, keepArtifacts, launchBrowser, prepareRun, startCodeServer } from './harness.mjs';
import { workspaceFiles } from './workspace.mjs';

const t0 = Date.now();
const lap = (m) => console.log(`[exthost ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const TESTS = process.env.MODELWRIGHT_E2E_TESTS ?? path.join(REPO, 'dist', 'test', 'e2e', 'index.js');
const TIMEOUT = Number(process.env.EXTHOST_TIMEOUT_MS ?? 300_000);

const run = prepareRun(process.env.MODELWRIGHT_E2E_RUN ?? 'exthost', workspaceFiles());
const results = path.join(run.dir, 'results.json');
const cs = await startCodeServer(run, { env: { MODELWRIGHT_E2E_RESULTS: results } });
lap(`code-server up on ${cs.url}`);
const ctx = await launchBrowser(run);
const page = ctx.pages()[0] ?? (await ctx.newPage());
let exitCode = 1;
try {
	const done = new Promise((resolve) =>
		page.exposeFunction('codeAutomationExit', (code, logs) => {
			for (const l of logs ?? []) {
				const f = path.join(run.dir, 'logs', l.relativePath);
				fs.mkdirSync(path.dirname(f), { recursive: true });
				fs.writeFileSync(f, l.contents);
			}
			resolve(code);
		}),
	);
	const auth = `127.0.0.1:${cs.port}`;
	const payload = [
		['extensionDevelopmentPath', `vscode-remote://${auth}${REPO}`],
		['extensionTestsPath', `vscode-remote://${auth}${TESTS}`],
	];
	await page.goto(`${cs.url}/?folder=${encodeURIComponent(run.ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
	exitCode = await Promise.race([
		done,
		new Promise((_, reject) => setTimeout(() => reject(new Error(`extension-host tests timed out after ${TIMEOUT} ms`)), TIMEOUT)),
	]);
	lap(`codeAutomationExit(${exitCode})`);
} catch (e) {
	console.error(e);
	await page.screenshot({ path: path.join(run.dir, 'failure.png') }).catch(() => {});
} finally {
	await ctx.close().catch(() => {});
	await cs.stop();
}
let passed = 0;
let failed = 0;
if (fs.existsSync(results)) {
	const r = JSON.parse(fs.readFileSync(results, 'utf8'));
	for (const t of r.results) {
		console.log(
			`${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} ${t.title}${t.ms !== undefined ? ` (${t.ms} ms)` : ''}${t.err ? `\n     ${t.err.split('\n').slice(0, 6).join('\n     ')}` : ''}`,
		);
		if (t.state === 'passed') passed++;
		else if (t.state === 'failed') failed++;
	}
} else console.log('no results file written (the extension host did not run the tests)');
if (exitCode !== 0 || failed > 0 || passed === 0) {
	exitCode = exitCode || 1;
	console.log(`artifacts: ${keepArtifacts(run)}`);
}
console.log(`exthost: ${passed} passed, ${failed} failed`);
process.exit(exitCode);
