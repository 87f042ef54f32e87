/**
 * Connections to the Redis of a distributed sweep: `redis://[user:password@]host[:port][/db]` or
 * `rediss://` (TLS), through ioredis. Errors name the URL without its password.
 *
 * TLS trusts Node's CAs (plus NODE_EXTRA_CA_CERTS) unless a CA file is given (`--redis-ca FILE`,
 * else MODELWRIGHT_REDIS_CA): then only that CA, as `redis-cli --cacert` does. The server's name
 * is always checked against its certificate.
 */
import * as fs from 'node:fs';
import Redis, { type RedisOptions } from 'ioredis';
import { redactRedisUrl, redisUrlProblem } from '../../../core/tune/distributed';

export class RedisUnavailableError extends Error {
	/** How the sweep ends when its queue is lost: interrupted, for `--resume` to complete. */
	readonly sweepStatus = 'interrupted' as const;
}

/** Where a connection's CA comes from: the option, else the environment (the VS Code engine host has no command line). */
export const redisCaFile = (ca: string | undefined): string | undefined => ca || process.env.MODELWRIGHT_REDIS_CA || undefined;

/**
 * The TLS options of a connection to `url` (none for redis://; ioredis turns TLS on for
 * rediss:// itself). Throws a RedisUnavailableError when the CA file cannot be read.
 */
export function redisTls(url: string, ca?: string): Pick<RedisOptions, 'tls'> {
	const file = redisCaFile(ca);
	if (!/^rediss:/i.test(url) || !file) return {};
	try {
		return { tls: { ca: fs.readFileSync(file) } };
	} catch (err) {
		throw new RedisUnavailableError(`cannot read the Redis CA file ${file} (${reason(err)})`);
	}
}

/** Why a TLS connection failed, in words (Node gives codes), or undefined for other errors. */
function tlsProblem(err: unknown): string | undefined {
	const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
	const text = err instanceof Error ? err.message : '';
	if (/CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)/.test(code) || /certificate/i.test(text))
		return `TLS: the server's certificate is not trusted (${code || text}). Give the CA that signed it with --redis-ca FILE (or MODELWRIGHT_REDIS_CA=FILE, or NODE_EXTRA_CA_CERTS=FILE), and use the host name the certificate names`;
	if (/EPROTO|ERR_SSL|ECONNRESET/.test(code) || /wrong version number|handshake/i.test(text))
		return `TLS handshake failed (${code || text}): is that port serving TLS (rediss://), or plain redis:// ?`;
	return undefined;
}

/**
 * A client for `url`. `blocking`: for BullMQ workers (no retry limit per command, as BullMQ
 * requires); otherwise commands fail after a few reconnect attempts, so a coordinator notices a
 * lost Redis instead of waiting forever.
 */
export function redisClient(url: string, opts: { blocking?: boolean; name?: string; ca?: string } = {}): Redis {
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
		...redisTls(url, opts.ca),
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
export async function connectRedis(url: string, opts: { blocking?: boolean; name?: string; ca?: string } = {}): Promise<Redis> {
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
		const tls = /^rediss:/i.test(url) ? tlsProblem(lastError ?? err) : undefined;
		if (tls) throw new RedisUnavailableError(`cannot reach Redis at ${redactRedisUrl(url)}: ${tls}.`);
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
