/**
 * One database client factory: embedded PGlite in `dataDir` when no URL is given, a real
 * PostgreSQL server through postgres.js otherwise. Both speak the same Drizzle API, so the
 * rest of the server never knows which it has.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { lockDataDir } from './data-dir-lock';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
	db: Db;
	kind: 'pglite' | 'postgres';
	/** Runs pending migrations from `drizzle/`. Safe to call on every start. */
	migrate(): Promise<void>;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** `postgres://…`; when absent the embedded PGlite is used. */
	url?: string;
	/** Directory of the embedded database; `memory://` keeps it in memory (tests). */
	dataDir?: string;
	migrationsFolder?: string;
	/**
	 * Starts the embedded database from a dump (`PGlite.dumpDataDir`) instead of an empty
	 * cluster: the tests start each database from one that is already migrated.
	 */
	loadDataDir?: Blob;
}

/** PostgreSQL's type id of `bytea`. */
const BYTEA = 17;

/**
 * Bytea to and from PGlite's hex text with Node's native hex codec. PGlite runs in the
 * server's own thread, and its default codec builds one string per byte: about 0.8 s per MB
 * written, so storing one large board snapshot held up every other board for a second.
 */
const BYTEA_SERIALIZERS = {
	[BYTEA]: (value: unknown) => {
		if (!(value instanceof Uint8Array)) throw new Error('bytea expects a Uint8Array');
		return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
	}
};
const BYTEA_PARSERS = {
	[BYTEA]: (text: string) => {
		const bytes = Buffer.from(text.slice(2), 'hex');
		return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
};

/** Seconds before the next connection attempt: 0.05, 0.1, 0.2 … at most 1, with jitter. */
export function reconnectDelaySeconds(attempt: number): number {
	return Math.min(0.05 * 2 ** attempt, 1) * (0.5 + Math.random() / 2);
}

/** Advisory lock key of migrations ("RTMG"); board locks use another namespace. */
const MIGRATION_LOCK = 0x5254_4d47;

/**
 * Runs `migrate` while holding a database-wide lock, so processes starting together on one
 * PostgreSQL migrate one after the other (the later ones find nothing left to do). The lock
 * is taken on a connection of its own: a session lock must be released by the session that
 * took it, which a pool does not promise.
 */
async function migrateAlone(url: string, migrate: () => Promise<void>): Promise<void> {
	const { default: postgres } = await import('postgres');
	const lock = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
	try {
		await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
		await migrate();
	} finally {
		await lock.end({ timeout: 5 });
	}
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
	const migrationsFolder = options.migrationsFolder ?? resolve(process.cwd(), 'drizzle');
	if (options.url) {
		const { default: postgres } = await import('postgres');
		const { drizzle } = await import('drizzle-orm/postgres-js');
		const { migrate } = await import('drizzle-orm/postgres-js/migrator');
		const sql = postgres(options.url, {
			max: 10,
			onnotice: () => {},
			// JIT compilation pays off for long analytical scans; the queries here are index
			// lookups whose plans merely look expensive (a unit's frame report has a cost in the
			// millions), where compiling costs more than the whole query.
			connection: { jit: 'off' },
			// postgres.js waits longer after every failed connection attempt, counted across the
			// pool, up to 20 s: after an outage of a few seconds the app stayed away for 10–20 s
			// after the database was back. A short, capped wait brings it back within a second or
			// so; a database that is down costs one refused connection per second per idle slot.
			backoff: reconnectDelaySeconds,
			// A server that does not answer at all (a network partition) fails queries after 10 s
			// instead of the default 30 s, so commands fail clearly while it lasts.
			connect_timeout: 10,
			// Connections opened for a busy moment are closed after half a minute idle: several
			// processes on one server keep only what they use.
			idle_timeout: 30
		});
		const db = drizzle({ client: sql, schema });
		return {
			db: db as unknown as Db,
			kind: 'postgres',
			migrate: () => migrateAlone(options.url!, () => migrate(db, { migrationsFolder })),
			close: () => sql.end({ timeout: 5 })
		};
	}
	const { PGlite } = await import('@electric-sql/pglite');
	const { drizzle } = await import('drizzle-orm/pglite');
	const { migrate } = await import('drizzle-orm/pglite/migrator');
	const dataDir = options.dataDir ?? 'memory://';
	let unlock = () => {};
	if (!dataDir.startsWith('memory://')) {
		mkdirSync(dataDir, { recursive: true });
		// One process per directory: a second one would corrupt the database.
		unlock = lockDataDir(dataDir);
	}
	let pg;
	try {
		pg = new PGlite(dataDir, {
			serializers: BYTEA_SERIALIZERS,
			parsers: BYTEA_PARSERS,
			...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {})
		});
		await pg.waitReady;
	} catch (error) {
		unlock();
		throw error;
	}
	const client = pg;
	const db = drizzle({ client, schema });
	return {
		db: db as unknown as Db,
		kind: 'pglite',
		migrate: () => migrate(db, { migrationsFolder }),
		close: async () => {
			try {
				await client.close();
			} finally {
				unlock();
			}
		}
	};
}

/**
 * Whether the database answers a trivial query within `timeoutMs`. A server that is down
 * fails at once; one that hangs (a network partition, a server stuck in recovery) would
 * otherwise hold the caller for as long as the driver waits to connect. Connections are made
 * anew by the driver on the next query, so this turns true again as soon as the database is back.
 */
export async function databaseAnswers(db: Promise<Db> | Db, timeoutMs = 2000): Promise<boolean> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
	const query = (async () => {
		await (await db).execute(sql`select 1`);
		return true;
	})().catch(() => false);
	try {
		return await Promise.race([query, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
