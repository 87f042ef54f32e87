/**
 * Connections to the Redis of a distributed sweep: `redis://[user:password@]host[:port][/db]` or
 * `rediss://` (TLS), through ioredis. Errors name the URL without its password.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { redactRedisUrl, redisUrlProblem } from '../../../core/tune/distributed';

export class RedisUnavailableError extends Error {
	/** How the sweep ends when its queue is lost: interrupted, for `--resume` to complete. */
	readonly sweepStatus = 'interrupted' as const;
}

/**
 * A client for `url`. `blocking`: for BullMQ workers (no retry limit per command, as BullMQ
 * requires); otherwise commands fail after a few reconnect attempts, so a coordinator notices a
 * lost Redis instead of waiting forever.
 */
export function redisClient(url: string, opts: { blocking?: boolean; name?: string } = {}): Redis {
	const problem = redisUrlProblem(url);
	if (problem) throw new Error(problem);
	// The first connection fails at once (a clear error now beats retrying); later ones are retried.
	let ready = false;
	const options: RedisOptions = {
		lazyConnect: true,
		connectTimeout: 5000,
		maxRetriesPerRequest: opts.blocking ? null : 2,
		retryStrategy: (times) => (ready ? Math.min(200 * times, 2000) : null),
		...(opts.name ? { connectionName: opts.name } : {}),
	};
	const client = new Redis(url, options);
	client.once('ready', () => {
		ready = true;
	});
	// Errors are reported by the commands that fail; an unhandled 'error' event would print a stack per reconnect.
	client.on('error', () => {});
	return client;
}

const reason = (err: unknown) => {
	const e = err as NodeJS.ErrnoException;
	return e.code ?? (err instanceof Error ? err.message : String(err));
};

/** Connects and pings, or throws a RedisUnavailableError that says how to fix it. */
export async function connectRedis(url: string, opts: { blocking?: boolean; name?: string } = {}): Promise<Redis> {
	const client = redisClient(url, opts);
	let lastError: unknown;
	client.on('error', (err) => {
		lastError = err;
	});
	try {
		await withTimeout(
			(async () => {
				await client.connect();
				await client.ping();
			})(),
			8000,
			'no answer within 8 s',
		);
		return client;
	} catch (err) {
		client.disconnect();
		throw new RedisUnavailableError(
			`cannot reach Redis at ${redactRedisUrl(url)} (${reason(lastError ?? err)}). Start it (e.g. \`redis-server\`), or check the host, port, password and TLS (rediss://) in the URL.`,
		);
	}
}

/** `p`, or a rejection after `ms` (a command to a Redis that went away may wait for its reconnects). */
export function withTimeout<T>(p: Promise<T>, ms: number, what = `no answer within ${ms / 1000} s`): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		p.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(what)), ms);
		}),
	]);
}

export { reason as redisErrorReason };
