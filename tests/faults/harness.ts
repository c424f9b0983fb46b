/**
 * What the fault tests share: how long they run (a quick form inside `npm test`, the full
 * form with FAULTS=full), a database a separate server process can open, that server process
 * (tests/faults/server-entry.ts) which a test may kill at any moment, and real y-websocket
 * clients for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { openDatabase, type Db } from '../../src/lib/server/db/client';
import { createTestDatabase, pgliteTemplate } from '../fixtures/test-db';
import { ORIGIN, webSocketWithHeaders } from '../fixtures/realtime';

export { ServerProcess, freePort, serverBundle } from './server-process';

/** `FAULTS=full npm run test:faults` runs the full form; `npm test` the quick one. */
export const FULL = process.env.FAULTS === 'full';
export const scale = <T>(quick: T, full: T): T => (FULL ? full : quick);

export { random, type Random } from '../fixtures/random';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; throws after `timeoutMs`. */
export async function until(
	check: () => boolean | Promise<boolean>,
	timeoutMs: number,
	what: string,
	everyMs = 20
): Promise<void> {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await sleep(everyMs);
	}
}

/**
 * A migrated database that a server process can open too: a database of its own on the
 * PostgreSQL server of TEST_DATABASE_URL (through `createTestDatabase`), or else an embedded
 * PGlite in a temporary directory. PGlite serves one process at a time, so the test's own
 * handle is released before a server starts and opened again when the test reads directly.
 */
export interface FaultDatabase {
	kind: 'pglite' | 'postgres';
	/** What the server process needs: DATABASE_URL or DATA_DIR. */
	env: Record<string, string>;
	/** The test's own handle (reopened when it was released). */
	open(): Promise<Db>;
	/** Closes the test's handle where the server needs the database to itself (PGlite). */
	release(): Promise<void>;
	/** Removes the database. */
	close(): Promise<void>;
}

export async function faultDatabase(): Promise<FaultDatabase> {
	if (process.env.TEST_DATABASE_URL) {
		const handle = await createTestDatabase();
		return {
			kind: 'postgres',
			env: { DATABASE_URL: handle.url! },
			open: async () => handle.db,
			release: async () => {},
			close: () => handle.close()
		};
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'ramtavlan-faults-'));
	let handle: Awaited<ReturnType<typeof openDatabase>> | null = null;
	// The first open unpacks the migrated template into the directory; later ones find it there.
	let template: Blob | undefined = await pgliteTemplate();
	const open = async () => {
		handle ??= await openDatabase({ dataDir, loadDataDir: template });
		template = undefined;
		return handle.db;
	};
	await open();
	await handle!.migrate();
	const release = async () => {
		const h = handle;
		handle = null;
		await h?.close();
	};
	return {
		kind: 'pglite',
		env: { DATA_DIR: dataDir },
		open,
		release,
		close: async () => {
			await release();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

export interface BoardClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

/**
 * A stock y-websocket provider with the `ws` polyfill, sending the session cookie and the
 * allowed Origin, as a browser does. `connect: false` leaves it offline until `connect()`.
 */
export function boardClient(
	url: string,
	room: string,
	cookie: string,
	opts: { doc?: Y.Doc; connect?: boolean; maxBackoffTime?: number } = {}
): BoardClient {
	const doc = opts.doc ?? new Y.Doc();
	const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/yjs', room, doc, {
		WebSocketPolyfill: webSocketWithHeaders({
			cookie,
			origin: ORIGIN
		}) as unknown as typeof WebSocket,
		disableBc: true,
		connect: opts.connect ?? true,
		maxBackoffTime: opts.maxBackoffTime ?? 300
	});
	return {
		doc,
		provider,
		destroy() {
			provider.destroy();
		}
	};
}

/** Resolves once the provider has synced with the server (again). */
export function synced(provider: WebsocketProvider, timeoutMs = 20_000): Promise<void> {
	if (provider.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			provider.off('sync', onSync);
			reject(new Error('provider did not sync'));
		}, timeoutMs);
		const onSync = (isSynced: boolean) => {
			if (!isSynced) return;
			clearTimeout(timer);
			provider.off('sync', onSync);
			resolve();
		};
		provider.on('sync', onSync);
	});
}

/** The whole board as canonical JSON: replicas may list map keys in different orders. */
export function boardJson(doc: Y.Doc): string {
	const canonical = (value: unknown): unknown =>
		Array.isArray(value)
			? value.map(canonical)
			: value && typeof value === 'object'
				? Object.fromEntries(
						Object.keys(value)
							.sort()
							.map((k) => [k, canonical((value as Record<string, unknown>)[k])])
					)
				: value;
	return JSON.stringify(
		canonical(
			Object.fromEntries(
				['visits', 'absences', 'signals', 'huddle'].map((name) => [name, doc.getMap(name).toJSON()])
			)
		)
	);
}

/** A fresh device that loads the board from the server and leaves again. */
export async function loadBoard(url: string, room: string, cookie: string): Promise<Y.Doc> {
	const client = boardClient(url, room, cookie);
	try {
		await synced(client.provider);
		return client.doc;
	} finally {
		client.destroy();
	}
}
