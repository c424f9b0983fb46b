/**
 * A case officer reads the organisation's clients, decisions and frames but does not open the
 * teams' boards: no board page, no Yjs room, no socket.io room. The case pages are for case
 * officers and admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { WebSocket } from 'ws';
import { io as ioClient } from 'socket.io-client';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { canAccessTeam, canOpenBoard, teamsOf } from '../../src/lib/server/auth/access';
import type { Realtime } from '../../src/lib/server/realtime';
import * as clientsPage from '../../src/routes/case/clients/+page.server';
import * as newClientPage from '../../src/routes/case/clients/new/+page.server';
import * as clientPage from '../../src/routes/case/clients/[clientId]/+page.server';
import * as importPage from '../../src/routes/case/import/+page.server';
import { createPerson } from '../fixtures/factories';
import {
	MONDAY,
	ORIGIN,
	cookieFor,
	seedWorld,
	startRealtime,
	type World
} from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let world: World;
let sessions: SessionStore;
let server: Server;
let url: string;
let realtime: Realtime;
let hannaId: string;
let adminId: string;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	const org = { organisationId: world.organisationId, unitId: world.unitId, teams: {} };
	hannaId = await createPerson(database.db, org, {
		username: 'hanna',
		role: 'caseOfficer',
		unit: false
	});
	adminId = await createPerson(database.db, org, { username: 'admin', role: 'admin', unit: false });
	sessions = createSessionStore(database.db);
	({ server, url, realtime } = await startRealtime(database.db, sessions));
});

afterAll(async () => {
	await realtime.close();
	await new Promise((resolve) => server.close(resolve));
	await database.close();
});

async function userOf(staffId: string): Promise<SessionUser> {
	const { token } = await sessions.create(staffId);
	return (await sessions.validate(token))!.user;
}

function upgrade(path: string, cookie: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url.replace(/^http/, 'ws') + path, {
			headers: { cookie, origin: ORIGIN }
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', (error) => reject(error));
	});
}

describe('a case officer and the boards', () => {
	it('still reads every team’s data, but opens no board; admins keep both', async () => {
		const hanna = await userOf(hannaId);
		const admin = await userOf(adminId);
		expect((await teamsOf(database.db, hanna, MONDAY)).map((t) => t.name)).toEqual([
			'Björken',
			'Eken'
		]);
		expect(await canAccessTeam(database.db, hanna, world.teams.bjorken, MONDAY)).toBe(true);
		expect(await teamsOf(database.db, hanna, MONDAY, MONDAY, 'board')).toEqual([]);
		expect(await canOpenBoard(database.db, hanna, world.teams.bjorken, MONDAY)).toBe(false);
		expect((await teamsOf(database.db, admin, MONDAY, MONDAY, 'board')).length).toBe(2);
		expect(await canOpenBoard(database.db, admin, world.teams.eken, MONDAY)).toBe(true);
		// Workers and managers see the same teams for either purpose.
		const anna = await userOf(world.staff.anna);
		const maria = await userOf(world.staff.maria);
		for (const user of [anna, maria]) {
			expect(await teamsOf(database.db, user, MONDAY, MONDAY, 'board')).toEqual(
				await teamsOf(database.db, user, MONDAY)
			);
		}
	});

	it('answers 403 to a case officer’s Yjs upgrade and socket.io join', async () => {
		const hanna = await cookieFor(sessions, hannaId);
		const admin = await cookieFor(sessions, adminId);
		expect(await upgrade(`/yjs/${world.room}`, hanna)).toBe(403);
		expect(await upgrade(`/yjs/${world.ekenRoom}`, hanna)).toBe(403);
		expect(await upgrade(`/yjs/${world.room}`, admin)).toBe(101);
		const socket = ioClient(url, {
			transports: ['websocket'],
			extraHeaders: { origin: ORIGIN, cookie: hanna }
		});
		try {
			expect(await socket.timeout(5000).emitWithAck('join', { room: world.room })).toEqual({
				ok: false,
				error: 'forbidden'
			});
		} finally {
			socket.disconnect();
		}
	});
});

describe('who may open the case pages', () => {
	const user = (role: SessionUser['role']): SessionUser => ({
		id: '00000000-0000-4000-8000-000000000001',
		organisationId: world.organisationId,
		username: role,
		name: role,
		role,
		locale: 'sv',
		unitId: null
	});
	const event = (u: SessionUser | null, path: string) =>
		({
			locals: { user: u, session: null },
			url: new URL(`http://localhost${path}`),
			params: { clientId: world.clients.greta },
			request: new Request(`http://localhost${path}`, { method: 'POST', body: new FormData() })
		}) as never;

	const entries: [string, (e: never) => unknown][] = [
		['/case/clients', clientsPage.load as never],
		['/case/clients/new', newClientPage.load as never],
		['/case/clients/new?/default', newClientPage.actions.default as never],
		['/case/clients/x', clientPage.load as never],
		...Object.entries(clientPage.actions).map(
			([name, action]) => [`/case/clients/x?/${name}`, action as never] as [string, never]
		),
		['/case/import', importPage.load as never],
		...Object.entries(importPage.actions).map(
			([name, action]) => [`/case/import?/${name}`, action as never] as [string, never]
		)
	];

	async function outcome(run: () => unknown): Promise<string> {
		try {
			await run();
			return 'ran';
		} catch (error) {
			if (isRedirect(error)) return `${error.status} ${error.location.split('?')[0]}`;
			if (isHttpError(error)) return String(error.status);
			throw error;
		}
	}

	it('sends someone without a session to the login (303)', async () => {
		for (const [path, run] of entries) {
			expect([path, await outcome(() => run(event(null, path)))]).toEqual([path, '303 /login']);
		}
	});

	it('answers 403 to workers, team devices and managers', async () => {
		for (const role of ['worker', 'teamDevice', 'manager'] as const) {
			for (const [path, run] of entries) {
				expect([role, path, await outcome(() => run(event(user(role), path)))]).toEqual([
					role,
					path,
					'403'
				]);
			}
		}
	});
});
