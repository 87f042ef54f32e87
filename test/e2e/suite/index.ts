/**
 * Loaded by the extension host through `extensionTestsPath`: runs the mocha suites inside the
 * real VS Code (code-server) and writes results to MODELWRIGHT_E2E_RESULTS, because mocha's
 * console output reaches the browser mangled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
	const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
	mocha.addFile(path.join(__dirname, 'extension.test.js'));
	return new Promise((resolve, reject) => {
		const results: { title: string; state?: string; err?: string; ms?: number }[] = [];
		const runner = mocha.run((failures) => {
			const out = process.env.MODELWRIGHT_E2E_RESULTS;
			if (out) fs.writeFileSync(out, JSON.stringify({ failures, results }, null, 2));
			if (failures > 0) reject(new Error(`${failures} tests failed.`));
			else resolve();
		});
		runner.on('test end', (t: Mocha.Test) =>
			results.push({
				title: t.fullTitle(),
				state: t.state,
				...(t.err ? { err: `${t.err.message}\n${t.err.stack ?? ''}` } : {}),
				...(t.duration !== undefined ? { ms: t.duration } : {}),
			}),
		);
	});
}
