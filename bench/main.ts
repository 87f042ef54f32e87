/**
 * `npm run bench`: prints figures (never pass/fail). Each suite prints its own table;
 * ratios are measured within one run because these machines are noisy.
 * Select suites with `npm run bench -- validator lsp`.
 */
import { validatorBench } from './validator';
import { webviewBench } from './webview';
import { trainBench } from './train';
import { lspBench } from './lsp';
import { tuneBench } from './tune';
import { activationBench } from './activation';
import { dataBench, dataChild } from './data';
import { peerBench } from './peer';
import { serveBench } from './serve';
import { distributedBench } from './distributed';

const SUITES: Record<string, () => Promise<void>> = {
	validator: validatorBench,
	webview: webviewBench,
	train: trainBench,
	lsp: lspBench,
	tune: tuneBench,
	activation: activationBench,
	peer: peerBench,
	data: dataBench,
	serve: serveBench,
	distributed: distributedBench,
};

async function run(): Promise<void> {
	// The data suite runs each case in a child process of this bundle (so each peak RSS is its own).
	if (process.argv[2] === '--data-child') return dataChild(process.argv[3]!);
	const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
	for (const [name, suite] of Object.entries(SUITES)) {
		if (wanted.length && !wanted.includes(name)) continue;
		console.log(`\n=== ${name} ===`);
		await suite();
	}
}

run().catch((err) => {
	console.error(err);
	process.exitCode = 1;
});
