/**
 * Mutated configs through real training (`--epochs 1`), seeded: whatever the config, runJob returns
 * a result (never throws), says why it refused or failed, and leaves a consistent run folder with
 * no temp files. The validator fuzz (test/unit/fuzz.test.ts) covers the text side.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACTIVATIONS, LOSSES, OPTIMIZERS } from '../../engine/core/config/vocabulary';
import { mulberry32 } from '../../engine/core/random';
import { readRunSummary } from '../../engine/io/store';
import { runJob } from '../../engine/runtime/job';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = ['linear-regression', 'iris', 'spirals'].map((n) =>
	fs.readFileSync(path.join(ROOT, 'examples', `${n}.model.yaml`), 'utf8'),
);
const NUMBERS = ['0', '-1', '1e300', '1e-300', '3.5', '100000', '.nan', '2', '1', '0.5', '64', '7', '0.9'];
const NAMES = [...ACTIVATIONS, ...LOSSES, ...OPTIMIZERS];

function mutate(text: string, r: () => number): string {
	const edits = 1 + Math.floor(r() * 2);
	for (let e = 0; e < edits; e++) {
		const op = r();
		if (op < 0.5) {
			const nums = [...text.matchAll(/(?<=: )-?\d+(\.\d+)?(e-?\d+)?\b/g)];
			const m = nums[Math.floor(r() * nums.length)];
			if (m) text = text.slice(0, m.index) + NUMBERS[Math.floor(r() * NUMBERS.length)]! + text.slice(m.index + m[0].length);
		} else if (op < 0.85) {
			const words = [...text.matchAll(/(?<=(activation|loss|type): )[A-Za-z]+/g)];
			const m = words[Math.floor(r() * words.length)];
			if (m) text = text.slice(0, m.index) + NAMES[Math.floor(r() * NAMES.length)]! + text.slice(m.index + m[0].length);
		} else {
			const at = Math.floor(r() * text.length);
			text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 10));
		}
	}
	return text;
}

function tmpFiles(dir: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile() && e.name.endsWith('.tmp'))
		.map((e) => path.join(e.parentPath, e.name));
}

describe('train fuzz: mutated configs through runJob --epochs 1 (seeded)', function () {
	this.timeout(600_000);
	let tmp: string;
	before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-trainfuzz-'))));
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('60 mutated configs: a result for each, consistent run folders, no temp files', async () => {
		const r = mulberry32(20261201);
		const tally: Record<string, number> = {};
		for (let n = 0; n < 60; n++) {
			const text = mutate(EXAMPLES[n % EXAMPLES.length]!, r);
			const configPath = path.join(tmp, `case${n}.model.yaml`);
			fs.writeFileSync(configPath, text);
			let result;
			try {
				result = await runJob({ configPath, backend: 'cpu', overrides: { epochs: 1 }, noExport: true }, () => undefined);
			} catch (err) {
				assert.fail(`case ${n} threw: ${(err as Error).stack}\n${text}`);
			}
			tally[result.status] = (tally[result.status] ?? 0) + 1;
			if (result.status !== 'completed')
				assert.ok(result.message && result.message.length > 0, `case ${n}: ${result.status} without a message`);
			if (result.runDir) {
				const s = readRunSummary(result.runDir);
				assert.ok(s, `case ${n}: run folder without a readable summary`);
				assert.notEqual(s.status, 'running', `case ${n}: run left 'running'`);
				if (result.status === 'completed') assert.equal(s.status, 'completed');
			}
		}
		console.log(`      outcomes: ${JSON.stringify(tally)}`);
		assert.deepEqual(tmpFiles(tmp), []);
		// Both outcomes occur, so the mutations reach training as well as the validator.
		assert.ok((tally.completed ?? 0) > 0 && (tally.invalid ?? 0) > 0, JSON.stringify(tally));
	});
});
