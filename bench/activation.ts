/**
 * Extension activation in a real VS Code (code-server + Chromium, the e2e harness): the time
 * activate() takes, and from opening a config to its first diagnostics (language server start
 * included). Needs `.ci/install-code-server.sh`; skipped with a note otherwise.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { printTable } from './util';

const ROOT = path.join(__dirname, '..');

export async function activationBench(): Promise<void> {
	const cs = path.join(
		process.env.MODELWRIGHT_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'modelwright-e2e'),
		'cs',
		'node_modules',
		'.bin',
		'code-server',
	);
	if (!fs.existsSync(cs) || !fs.existsSync('/usr/bin/chromium')) {
		console.log('skipped: needs code-server (bash .ci/install-code-server.sh) and Chromium (bash .ci/install-system.sh)');
		return;
	}
	const rows: (string | number)[][] = [];
	for (let i = 0; i < 3; i++) {
		const r = spawnSync(process.execPath, [path.join(ROOT, 'test', 'e2e', 'exthost.mjs')], {
			encoding: 'utf8',
			timeout: 180_000,
			env: {
				...process.env,
				MODELWRIGHT_E2E_TESTS: path.join(ROOT, 'dist', 'test', 'e2e', 'activation.js'),
				MODELWRIGHT_E2E_RUN: 'activation',
			},
		});
		const file = path.join(os.tmpdir(), 'modelwright-e2e', 'activation', 'results.json');
		if (r.status !== 0 || !fs.existsSync(file)) {
			console.log(`activation run ${i + 1} failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
			return;
		}
		const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { activationMs: number; openToActiveMs: number; openToDiagnosticsMs: number };
		rows.push([
			`fresh window ${i + 1}`,
			`${m.activationMs.toFixed(1)} ms`,
			`${m.openToActiveMs.toFixed(0)} ms`,
			`${m.openToDiagnosticsMs.toFixed(0)} ms`,
		]);
	}
	printTable(['run', 'activate()', 'open → active', 'open → first diagnostics'], rows);
	console.log(
		'activate() registers commands, views and the language client; the engine process, panels and output channels start on first use.',
	);
}
