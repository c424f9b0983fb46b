/**
 * Dev parity: the Vite plugin attaches the same realtime layer to Vite's own HTTP server,
 * and Vite's HMR socket keeps working beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { WebSocket } from 'ws';
import { createVisit, readVisit } from '../../src/lib/board';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import { realtimeDevPlugin } from '../../src/lib/server/realtime/vite-plugin';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import {
	MONDAY,
	ORIGIN,
	eventually,
	openDevice,
	seedWorld,
	type World
} from '../fixtures/realtime';

let database: TestDatabase;
let world: World;
let sessions: SessionStore;
let vite: ViteDevServer;
let url: string;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	sessions = createSessionStore(database.db);
	(globalThis as Record<string, unknown>).__ramtavlanDevApp = {
		db: database.db,
		sessions,
		config: { allowedOrigins: [ORIGIN] }
	};
	vite = await createServer({
		configFile: false,
		root: process.cwd(),
		logLevel: 'silent',
		server: { port: 0, host: '127.0.0.1' },
		optimizeDeps: { noDiscovery: true, include: [] },
		resolve: { alias: { $lib: resolve('src/lib') } },
		plugins: [realtimeDevPlugin({ appModule: '/tests/fixtures/realtime-dev-app.ts' })]
	});
	await vite.listen();
	const address = vite.httpServer!.address();
	url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
	await vite.close();
	await database.close();
});

describe('the dev server', () => {
	it('serves the board over /yjs and socket.io like production', async () => {
		// The dev server compiles the realtime modules on first use: give it time on a busy machine.
		const slow = { sessions, joinTimeoutMs: 20_000 };
		const tablet = await openDevice(url, database.db, world.staff.anna, world.room, slow);
		const phone = await openDevice(url, database.db, world.staff.bertil, world.room, slow);
		const id = createVisit(tablet.doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		await eventually(() => readVisit(phone.doc, id)?.minutes === 30, 10_000, 'visit on phone');
		expect(readVisit(phone.doc, id)).toEqual(readVisit(tablet.doc, id));
		const joined = await phone.socket.timeout(15_000).emitWithAck('join', { room: world.room });
		expect(joined).toMatchObject({ ok: true });
		tablet.close();
		phone.close();
	}, 60_000);

	it('leaves the HMR socket to Vite', async () => {
		const token = vite.config.webSocketToken;
		const hmr = new WebSocket(`${url.replace(/^http/, 'ws')}/?token=${token}`, 'vite-hmr');
		const first = await new Promise<string>((resolve, reject) => {
			hmr.on('message', (data) => resolve(String(data)));
			hmr.on('error', reject);
		});
		expect(JSON.parse(first)).toMatchObject({ type: 'connected' });
		await new Promise((r) => setTimeout(r, 1300));
		expect(hmr.readyState).toBe(WebSocket.OPEN);
		hmr.close();
	});
});
