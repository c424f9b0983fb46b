/**
 * One database client factory: embedded PGlite in `dataDir` when no URL is given, a real
 * PostgreSQL server through postgres.js otherwise. Both speak the same Drizzle API, so the
 * rest of the server never knows which it has.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

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
			connection: { jit: 'off' }
		});
		const db = drizzle({ client: sql, schema });
		return {
			db: db as unknown as Db,
			kind: 'postgres',
			migrate: () => migrate(db, { migrationsFolder }),
			close: () => sql.end({ timeout: 5 })
		};
	}
	const { PGlite } = await import('@electric-sql/pglite');
	const { drizzle } = await import('drizzle-orm/pglite');
	const { migrate } = await import('drizzle-orm/pglite/migrator');
	const dataDir = options.dataDir ?? 'memory://';
	if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
	const pg = new PGlite(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
	const db = drizzle({ client: pg, schema });
	return {
		db: db as unknown as Db,
		kind: 'pglite',
		migrate: () => migrate(db, { migrationsFolder }),
		close: () => pg.close()
	};
}
