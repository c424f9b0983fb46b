/**
 * Cross-site requests and headers (docs/security.md): the JSON endpoints and both WebSockets
 * refuse a foreign or missing Origin, the session cookie is HttpOnly, SameSite=Lax and Secure
 * outside localhost, and every answer carries the security headers. The Content-Security-
 * Policy that SvelteKit renders with its nonces is checked against the built app in the
 * browser (tests/e2e/security-headers.e2e.ts); here, what the hooks add to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { WebSocket } from 'ws';
import { io as ioClient } from 'socket.io-client';
import type { Handle } from '@sveltejs/kit';
import { deleteSessionCookie, setSessionCookie } from '../../src/lib/server/auth/cookies';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import type { Realtime } from '../../src/lib/server/realtime';
import { ORIGIN, cookieFor, seedWorld, startRealtime, type World } from '../fixtures/realtime';
import { fakeEvent, provideApp, removeApp } from '../fixtures/route-event';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { handleApiOrigin, handleHeaders } from '../../src/lib/server/cross-site';
import * as tabletTouch from '../../src/routes/tablet/touch/+server';

const FOREIGN = 'https://ramtavlan.evil.example';

let database: TestDatabase;
let world: World;
let sessions: SessionStore;
let server: Server;
let url: string;
let realtime: Realtime;
let anna: string;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	sessions = createSessionStore(database.db);
	({ server, url, realtime } = await startRealtime(database.db, sessions, {
		log: { info() {}, warn: console.warn, error: console.error }
	}));
	anna = await cookieFor(sessions, world.staff.anna);
	// The app as configured for http://localhost:3000 (ORIGIN of the realtime fixture).
	provideApp(database.db, sessions, { PORT: '3000', ALLOWED_ORIGINS: ORIGIN });
});
afterAll(async () => {
	removeApp();
	await realtime.close();
	await new Promise((resolve) => server.close(resolve));
	await database.close();
});

type Resolve = Parameters<Handle>[0]['resolve'];

/**
 * Runs a request through the app's cross-site hooks in the order hooks.server.ts sequences
 * them; `route` stands for the route (and SvelteKit's rendering).
 */
async function throughHooks(
	method: 'GET' | 'POST',
	path: string,
	headers: Record<string, string>,
	route: () => Response = () => Response.json({ ok: true }),
	origin?: string
): Promise<{ response: Response; reachedRoute: boolean }> {
	const { event } = fakeEvent(path, {
		headers,
		origin,
		form: method === 'POST' ? {} : undefined
	});
	let reachedRoute = false;
	const toRoute = (() => {
		reachedRoute = true;
		return route();
	}) as unknown as Resolve;
	const response = await handleHeaders({
		event,
		resolve: ((e: typeof event) => handleApiOrigin({ event: e, resolve: toRoute })) as Resolve
	});
	return { response, reachedRoute };
}

describe('the JSON API', () => {
	const cases: [string, 'GET' | 'POST', Record<string, string>, 'refused' | 'passes'][] = [
		['a foreign Origin on a read', 'GET', { origin: FOREIGN }, 'refused'],
		['the literal Origin "null" on a read', 'GET', { origin: 'null' }, 'refused'],
		['no Origin on a read from another site', 'GET', { 'sec-fetch-site': 'cross-site' }, 'refused'],
		['no Origin on a same-origin read (browsers omit it)', 'GET', {}, 'passes'],
		[
			'no Origin on a read the browser says is same-origin',
			'GET',
			{ 'sec-fetch-site': 'same-origin' },
			'passes'
		],
		['the own Origin on a read', 'GET', { origin: ORIGIN }, 'passes'],
		['a foreign Origin on a change', 'POST', { origin: FOREIGN }, 'refused'],
		['no Origin on a change', 'POST', {}, 'refused'],
		['the own Origin on a change', 'POST', { origin: ORIGIN }, 'passes']
	];
	it.each(cases)('%s: %s %s', async (_what, method, headers, expected) => {
		const path = method === 'GET' ? '/api/me' : `/api/clients/${world.clients.greta}/access-code`;
		const { response, reachedRoute } = await throughHooks(method, path, headers);
		if (expected === 'refused') {
			expect(response.status).toBe(403);
			expect(await response.json()).toEqual({ error: 'origin-not-allowed' });
			expect(reachedRoute).toBe(false);
		} else {
			expect(reachedRoute).toBe(true);
			expect(response.status).toBe(200);
		}
	});

	it('refuses a tablet’s activity ping with a foreign or missing Origin', async () => {
		for (const headers of [{ origin: FOREIGN }, {}] as Record<string, string>[]) {
			const { event } = fakeEvent('/tablet/touch', { form: {}, headers });
			const response = await tabletTouch.POST(event);
			expect(response.status).toBe(403);
		}
	});
});

describe('the WebSockets', () => {
	const upgrade = (headers: Record<string, string>) =>
		new Promise<number | 'open'>((resolve, reject) => {
			const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${world.room}`, { headers });
			ws.on('unexpected-response', (_req, res) => {
				resolve(res.statusCode ?? 0);
				ws.terminate();
			});
			ws.on('open', () => {
				resolve('open');
				ws.close();
			});
			ws.on('error', (error) => {
				if (!('status' in ws)) reject(error);
			});
		});
	const socketIo = (headers: Record<string, string>) =>
		new Promise<string>((resolve) => {
			const socket = ioClient(url, {
				transports: ['websocket'],
				extraHeaders: headers,
				reconnection: false
			});
			socket.on('connect', () => {
				resolve('connected');
				socket.disconnect();
			});
			socket.on('connect_error', (error) => {
				resolve(error.message);
				socket.disconnect();
			});
		});

	it('the board (Yjs) refuses a foreign or missing Origin with 403, even with a session', async () => {
		expect(await upgrade({ cookie: anna, origin: FOREIGN })).toBe(403);
		expect(await upgrade({ cookie: anna })).toBe(403);
		expect(await upgrade({ cookie: anna, origin: ORIGIN })).toBe('open');
	});

	it('socket.io refuses a foreign or missing Origin, even with a session', async () => {
		expect(await socketIo({ cookie: anna, origin: FOREIGN })).not.toBe('connected');
		expect(await socketIo({ cookie: anna })).not.toBe('connected');
		expect(await socketIo({ cookie: anna, origin: ORIGIN })).toBe('connected');
	});
});

describe('the session cookie', () => {
	const flags = (origin: string) => {
		const { event, written } = fakeEvent('/', { origin });
		setSessionCookie(event, 'a'.repeat(32), new Date('2026-11-23T19:00:00Z'));
		const set = written.get('session')!.options;
		deleteSessionCookie(event);
		const deleted = written.get('session')!.options;
		return { set, deleted };
	};

	it('is HttpOnly and SameSite=Lax for the whole site, set and deleted alike', () => {
		const { set, deleted } = flags('https://ramtavlan.example.se');
		expect(set).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', secure: true });
		expect(deleted).toMatchObject({
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: true,
			maxAge: 0
		});
	});

	it('is Secure everywhere except plain http on localhost', () => {
		expect(flags('https://ramtavlan.example.se').set.secure).toBe(true);
		expect(flags('http://ramtavlan.intern.example:3000').set.secure).toBe(true);
		expect(flags('http://192.0.2.7:3000').set.secure).toBe(true);
		expect(flags('http://localhost:3000').set.secure).toBe(false);
		expect(flags('http://127.0.0.1:3000').set.secure).toBe(false);
	});
});

describe('headers on every answer', () => {
	/** A page as SvelteKit renders it under kit.csp: a policy with this request's nonce. */
	const page = () =>
		new Response('<!doctype html><title>Ramtavlan</title>', {
			headers: {
				'content-type': 'text/html',
				'content-security-policy':
					"default-src 'self'; script-src 'self' 'nonce-abc123'; connect-src 'self'; frame-ancestors 'none'"
			}
		});

	it('a page: nosniff, same-origin referrers, no framing, and WebSockets in connect-src', async () => {
		const { response } = await throughHooks('GET', '/login', {}, page);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('referrer-policy')).toBe('same-origin');
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		expect(response.headers.get('content-security-policy')).toBe(
			"default-src 'self'; script-src 'self' 'nonce-abc123'; " +
				"connect-src 'self' ws://localhost:3000; frame-ancestors 'none'"
		);
	});

	it('a JSON answer and a refusal carry them too', async () => {
		for (const headers of [{ origin: ORIGIN }, { origin: FOREIGN }]) {
			const { response } = await throughHooks('GET', '/api/me', headers);
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('referrer-policy')).toBe('same-origin');
			expect(response.headers.get('x-frame-options')).toBe('DENY');
		}
	});

	it('over https the policy names wss: for the board', async () => {
		const { response } = await throughHooks(
			'GET',
			'/login',
			{},
			page,
			'https://ramtavlan.example.se'
		);
		expect(response.headers.get('content-security-policy')).toContain(
			"connect-src 'self' wss://ramtavlan.example.se;"
		);
	});
});
