/**
 * A sweep worker process (dist/tune-worker.js): runs trial folds with the engine's runJob on
 * request of the sweep coordinator, over Node IPC. One fold at a time; a crash here fails only
 * the fold it was running (the coordinator starts a new worker).
 */
import { runJob, type TrainRequest } from '../job';
import type { EngineEvent } from '../../core/protocol';
import { setLocale } from '../../core/l10n';
import { LOCALE_ENV } from '../messages';

// The parent's locale: a fold's data errors read like the rest of the sweep's output.
setLocale(process.env[LOCALE_ENV]);

export type WorkerRequest = { type: 'run'; id: number; request: TrainRequest } | { type: 'cancel'; id: number };
export type WorkerReply =
	{ type: 'event'; id: number; event: EngineEvent } | { type: 'done'; id: number; status: string; runDir?: string; message?: string };

const controllers = new Map<number, AbortController>();
const send = (m: WorkerReply) => process.send?.(m);

process.on('message', (msg: WorkerRequest) => {
	if (msg.type === 'cancel') {
		controllers.get(msg.id)?.abort();
		return;
	}
	const ctrl = new AbortController();
	controllers.set(msg.id, ctrl);
	void runJob(msg.request, (event) => send({ type: 'event', id: msg.id, event }), ctrl.signal)
		.then((r) =>
			send({
				type: 'done',
				id: msg.id,
				status: r.status,
				...(r.runDir ? { runDir: r.runDir } : {}),
				...(r.message ? { message: r.message } : {}),
			}),
		)
		.catch((err: unknown) =>
			send({ type: 'done', id: msg.id, status: 'failed', message: err instanceof Error ? err.message : String(err) }),
		)
		.finally(() => controllers.delete(msg.id));
});
process.on('disconnect', () => process.exit(0));
// tfjs prints banners on stdout; the coordinator only reads IPC.
console.log = () => {};
