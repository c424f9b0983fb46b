/**
 * A process of a cluster on one PostgreSQL: the team locks that make one process the
 * authority for a team's boards, and socket.io's PostgreSQL adapter, which carries verdicts,
 * presence, frames, notices and session ends to the sockets of every process (LISTEN/NOTIFY,
 * so no sticky sessions: devices use the WebSocket transport).
 */
import pg from 'pg';
import { createAdapter } from '@socket.io/postgres-adapter';
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

export async function joinCluster(opts: {
	databaseUrl: string;
	internalUrl: string;
	secret: string;
	db: Db;
	log: Logger;
}): Promise<ClusterProcess> {
	const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 3 });
	// A connection the database drops (a restart) must not take the process down: the adapter
	// listens again on a new one.
	const failed = (error: Error) =>
		opts.log.warn('cluster adapter connection failed', { error: error.message });
	pool.on('error', failed);
	pool.on('connect', (client) => client.on('error', failed));
	await pool.query(ATTACHMENTS_TABLE);
	const ownership = new PostgresOwnership({
		url: opts.databaseUrl,
		address: opts.internalUrl,
		db: opts.db,
		log: opts.log
	});
	return {
		deps: {
			ownership,
			secret: opts.secret,
			adapter: createAdapter(pool, {
				errorHandler: (error) => failed(error instanceof Error ? error : new Error(String(error)))
			})
		},
		async close() {
			await ownership.close();
			await pool.end();
		}
	};
}
