import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from './train';
import { UsageError, type Command } from '../command';
import { MODEL_FILE } from '../../runtime/export/tfjs';
import { modelDirOf } from '../../runtime/runs';
import { runFromArgs } from './runs';
import { SERVE_DEFAULTS, startServer } from '../../runtime/serve';
import { useBackend, type BackendChoice } from '../../runtime/train/backend';
import { taskWord, tcli } from '../messages';

function intOption(name: string, v: string | undefined, dflt: number, min: number): number {
	if (v === undefined) return dflt;
	const n = Number(v);
	if (!Number.isSafeInteger(n) || n < min) throw new UsageError(tcli('serve.wholeNumber', { name, min, value: v }));
	return n;
}

export const serveCommand: Command = {
	name: 'serve',
	summary: "Serve a run's or exported model's predictions over HTTP (POST /predict).",
	help: `Usage: modelwright serve <run|model folder> [--port 0|N] [--host 127.0.0.1] [--token T] [--max-rows N]

Loads the model with its training-time preprocessing and answers:
  POST /predict       {"rows": [{column: value, …}, …]} or one row object → predictions
                      (and class probabilities for classifiers); an image model takes
                      {"image": "<base64 PNG or JPEG>"} or {"rows": [{"image": …}, …]}
  GET  /model         inputs (types, allowed categories), outputs, the run's metrics
  GET  /health        liveness, model calls and requests served
  GET  /openapi.json  an OpenAPI 3 document
Bad input is a 400 JSON error naming the field. Concurrent requests are batched into one model
call. Ctrl+C (SIGINT) or SIGTERM finishes in-flight requests, then exits 0.

Options:
  --port <n>            Port (default ${SERVE_DEFAULTS.port}; 0 picks a free one).
  --host <addr>         Address to bind (default ${SERVE_DEFAULTS.host}: this machine only).
  --token <t>           Require \`Authorization: Bearer <t>\` (also MODELWRIGHT_SERVE_TOKEN).
  --max-rows <n>        Rows per request (default ${SERVE_DEFAULTS.maxRows}).
  --max-body <bytes>    Request body size (default ${SERVE_DEFAULTS.maxBody}; raise it for large images).
  --max-images <n>      Images per request, image models (default ${SERVE_DEFAULTS.maxImages}; at most ${SERVE_DEFAULTS.maxImageMegapixels} megapixels each).
  --batch-window <ms>   How long a request waits for others to share a model call (default ${SERVE_DEFAULTS.batchWindowMs}; 0: no batching).
  --dir <config|folder> Where to look up <run> (default: the current folder).`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: {
				port: { type: 'string' },
				host: { type: 'string' },
				token: { type: 'string' },
				'max-rows': { type: 'string' },
				'max-body': { type: 'string' },
				'max-images': { type: 'string' },
				'batch-window': { type: 'string' },
				dir: { type: 'string' },
				backend: { type: 'string' },
			},
		});
		if (positionals.length !== 1) throw new UsageError(tcli('serve.nameOne'));
		const port = intOption('port', values.port, SERVE_DEFAULTS.port, 0);
		if (port > 65535) throw new UsageError(tcli('serve.port'));
		const ref = positionals[0]!;
		const asModel = path.resolve(io.cwd, ref);
		const run = fs.existsSync(path.join(asModel, MODEL_FILE)) ? undefined : runFromArgs(ref, values.dir, io.cwd);
		if (run && !run.ok) {
			io.err(`modelwright serve: ${tcli('noModelFolder', { message: run.message })}`);
			return 1;
		}
		const modelDir = run ? modelDirOf(run.run.dir) : asModel;
		if (!modelDir) {
			io.err(`modelwright serve: ${tcli('noModel', { id: run?.run.id ?? '' })}`);
			return 1;
		}
		const token = values.token ?? process.env.MODELWRIGHT_SERVE_TOKEN;
		if (token !== undefined && token.length === 0) throw new UsageError(tcli('serve.emptyToken'));
		await useBackend((values.backend ?? 'wasm') as BackendChoice);
		const srv = await startServer(modelDir, {
			port,
			host: values.host ?? SERVE_DEFAULTS.host,
			...(token ? { token } : {}),
			maxRows: intOption('max-rows', values['max-rows'], SERVE_DEFAULTS.maxRows, 1),
			maxBody: intOption('max-body', values['max-body'], SERVE_DEFAULTS.maxBody, 64),
			batchWindowMs: intOption('batch-window', values['batch-window'], SERVE_DEFAULTS.batchWindowMs, 0),
			maxImages: intOption('max-images', values['max-images'], SERVE_DEFAULTS.maxImages, 1),
		});
		const what = srv.info.run?.id ? tcli('serve.run', { id: srv.info.run.id }) : modelDir;
		io.out(tcli('serve.serving', { what, task: taskWord(srv.info.task), label: srv.info.label, url: srv.url }));
		io.out(`  POST ${srv.url}/predict   GET ${srv.url}/model   GET ${srv.url}/openapi.json${token ? tcli('serve.tokenRequired') : ''}`);
		io.out(tcli('serve.pressCtrlC'));
		await new Promise<void>((resolve) => {
			const stop = (signal: string) => {
				io.out(tcli('serve.finishing', { signal }));
				process.off('SIGINT', onInt);
				process.off('SIGTERM', onTerm);
				void srv.close().then(resolve);
			};
			const onInt = () => stop('SIGINT');
			const onTerm = () => stop('SIGTERM');
			process.on('SIGINT', onInt);
			process.on('SIGTERM', onTerm);
		});
		io.out(tcli('serve.stopped'));
		return 0;
	},
};
