/**
 * The process-wide application container: one database handle and one session store,
 * shared by the SvelteKit bundle, the realtime layer and the production entry. It lives on
 * globalThis because the built SvelteKit handler and server.ts each carry their own copy
 * of this module, and an embedded PGlite must be opened once per process.
 */
import { openDatabase, type DatabaseHandle, type Db } from './db/client';
import { migrateAndSeed } from './db/migrate';
import { createSessionStore, DEFAULT_SESSION_POLICY, type SessionStore } from './auth/session';
import { configFromEnv, type AppConfig } from './config';

export interface App {
	database: DatabaseHandle;
	db: Db;
	sessions: SessionStore;
	config: AppConfig;
}

const KEY = Symbol.for('ramtavlan.app');
type Holder = { [KEY]?: Promise<App> };

export function getApp(): Promise<App> {
	const holder = globalThis as Holder;
	if (!holder[KEY]) {
		const starting = startApp(configFromEnv());
		holder[KEY] = starting;
		// A database that was down at start must not leave the app broken for good: the next
		// call tries again.
		starting.catch(() => {
			if (holder[KEY] === starting) delete holder[KEY];
		});
	}
	return holder[KEY];
}

async function startApp(config: AppConfig): Promise<App> {
	const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	try {
		await migrateAndSeed(database, { demo: config.seedDemo });
	} catch (error) {
		await database.close().catch(() => {});
		throw error;
	}
	const policy = { ...DEFAULT_SESSION_POLICY, tabletIdleMs: config.tabletIdleMinutes * 60_000 };
	return {
		database,
		db: database.db,
		sessions: createSessionStore(database.db, { policy }),
		config
	};
}

/** Closes the shared database; the next getApp() opens it again. */
export async function closeApp(): Promise<void> {
	const holder = globalThis as Holder;
	const app = holder[KEY];
	delete holder[KEY];
	if (app) await (await app).database.close();
}
