/**
 * A process of a cluster on one PostgreSQL: the team locks that make one process the
 * authority for a team's boards, and a socket.io adapter, which carries verdicts, presence,
 * frames, notices and session ends to the sockets of every process — PostgreSQL's
 * LISTEN/NOTIFY, or Redis where the organisation runs it. No sticky sessions: devices use the
 * WebSocket transport.
 */
import pg from 'pg';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { AppConfig } from '../config';
import type { Db } from '../db/client';
import type { ClusterDeps } from '../realtime';
import type { Logger } from '../realtime/room';
import { PostgresOwnership } from './ownership.postgres';

/** The adapter's table for messages over NOTIFY's 8,000 bytes (its own schema, its README). */
const ATTACHMENTS_TABLE = `create table if not exists socket_io_attachments (
	id bigserial unique,
	created_at timestamptz default now(),
	payload bytea
)`;

export interface ClusterProcess {
	deps: ClusterDeps;
	/** After the realtime layer closed: gives the teams up and leaves the adapter's channel. */
	close(): Promise<void>;
}

export interface ClusterOptions {
	databaseUrl: string;
	internalUrl: string;
	secret: string;
	/** `redis://…`: socket.io's events go through Redis instead of PostgreSQL. */
	redisUrl?: string;
	db: Db;
	log: Logger;
}

type Adapter = ClusterDeps['adapter'];

/** socket.io's PostgreSQL adapter: LISTEN on one connection, NOTIFY through a small pool. */
async function postgresAdapter(
	opts: ClusterOptions,
	failed: (error: Error) => void
): Promise<{ adapter: Adapter; close(): Promise<void> }> {
	const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 3 });
	// A connection the database drops (a restart) must not take the process down: the adapter
	// listens again on a new one.
	pool.on('error', failed);
	pool.on('connect', (client) => client.on('error', failed));
	await pool.query(ATTACHMENTS_TABLE);
	return {
		adapter: createAdapter(pool, {
			errorHandler: (error) => failed(error instanceof Error ? error : new Error(String(error)))
		}),
		close: () => pool.end()
	};
}

/** socket.io's Redis adapter, for an organisation that runs Redis (REDIS_URL). */
async function redisAdapter(
	url: string,
	failed: (error: Error) => void
): Promise<{ adapter: Adapter; close(): Promise<void> }> {
	const { createClient } = await import('redis');
	const { createAdapter: createRedisAdapter } = await import('@socket.io/redis-adapter');
	const pub = createClient({ url });
	const sub = pub.duplicate();
	// The clients reconnect by themselves; an error must not take the process down.
	pub.on('error', failed);
	sub.on('error', failed);
	// The clients keep trying to connect: a wrong REDIS_URL stops the start with a message.
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`Redis at ${new URL(url).host} did not answer within 10 s`)),
			10_000
		);
	});
	try {
		await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout]);
	} catch (error) {
		pub.destroy();
		sub.destroy();
		throw error;
	} finally {
		clearTimeout(timer);
	}
	return {
		adapter: createRedisAdapter(pub, sub),
		async close() {
			await Promise.all([pub.close(), sub.close()]);
		}
	};
}

export async function joinCluster(opts: ClusterOptions): Promise<ClusterProcess> {
	const failed = (error: Error) =>
		opts.log.warn('cluster adapter connection failed', { error: error.message });
	const events = opts.redisUrl
		? await redisAdapter(opts.redisUrl, failed)
		: await postgresAdapter(opts, failed);
	const ownership = new PostgresOwnership({
		url: opts.databaseUrl,
		address: opts.internalUrl,
		db: opts.db,
		log: opts.log
	});
	return {
		deps: { ownership, secret: opts.secret, adapter: events.adapter },
		async close() {
			await ownership.close();
			await events.close();
		}
	};
}

/** The cluster of the app's configuration (CLUSTER_SECRET and DATABASE_URL), or null. */
export function joinConfiguredCluster(
	config: AppConfig,
	db: Db,
	log: Logger
): Promise<ClusterProcess | null> {
	if (!config.cluster || !config.databaseUrl) return Promise.resolve(null);
	return joinCluster({
		databaseUrl: config.databaseUrl,
		internalUrl: config.cluster.internalUrl,
		secret: config.cluster.secret,
		redisUrl: config.cluster.redisUrl,
		db,
		log
	});
}
