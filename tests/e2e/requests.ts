/**
 * Signed-in HTTP, Yjs and socket.io clients against the running app, for tests that speak the
 * wire directly instead of driving a browser.
 */
import { expect, request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/realtime/protocol';

export const base = () => `http://localhost:${process.env.E2E_PORT ?? 4173}`;
export const wsBase = () => base().replace(/^http/, 'ws');

/** A request context signed in as `username` (nobody when null). */
export async function signIn(username: string | null): Promise<APIRequestContext> {
	const context = await playwrightRequest.newContext({ baseURL: base() });
	if (username === null) return context;
	const response = await context.post('/login', {
		form: { username, password: 'ramtavlan-demo' },
		headers: { origin: base() },
		maxRedirects: 0
	});
	expect(response.status(), `${username} signs in`).toBe(303);
	return context;
}

/** The `Cookie` header value of the context's session ('' without one). */
export async function cookieOf(context: APIRequestContext): Promise<string> {
	const { cookies } = await context.storageState();
	const session = cookies.find((c) => c.name === 'session');
	return session ? `session=${session.value}` : '';
}

/**
 * The answer to a WebSocket upgrade of the Yjs room `room`: 101 when the socket opened,
 * otherwise the HTTP status the server refused it with.
 */
export function yjsUpgrade(room: string, cookie: string, origin = base()): Promise<number> {
	return new Promise((resolve) => {
		const headers: Record<string, string> = { origin };
		if (cookie) headers.cookie = cookie;
		const ws = new WebSocket(`${wsBase()}/yjs/${room}`, { headers });
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('unexpected-response', (req, res) => {
			resolve(res.statusCode ?? 0);
			req.destroy();
		});
		ws.on('error', () => resolve(0));
	});
}

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket.io client with the cookie and Origin: the socket once connected, or the reason the
 * server refused the connection.
 */
export function connectSocket(
	cookie: string,
	origin = base()
): Promise<{ socket: BoardSocket } | { refused: string }> {
	const headers: Record<string, string> = { origin };
	if (cookie) headers.cookie = cookie;
	const socket: BoardSocket = ioClient(base(), {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: headers,
		reconnection: false,
		forceNew: true
	});
	return new Promise((resolve) => {
		socket.once('connect', () => resolve({ socket }));
		socket.once('connect_error', (error) => {
			socket.close();
			resolve({ refused: error.message });
		});
	});
}

/** A board doc synced from the server with the context's session. */
export async function syncedBoard(room: string, cookie: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	const headers = { cookie, origin: base() };
	const Polyfill = class extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers });
		}
	};
	const provider = new WebsocketProvider(`${wsBase()}/yjs`, room, doc, {
		WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	try {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${room} did not sync`)), 15_000);
			provider.once('sync', () => {
				clearTimeout(timer);
				resolve();
			});
		});
	} finally {
		provider.destroy();
	}
	return doc;
}

export interface BoardVisitRow {
	id: string;
	clientId: string;
	date: string;
	status: string;
}

/** The visits of a synced board doc. */
export function visitsOf(doc: Y.Doc): BoardVisitRow[] {
	const visits = doc.getMap<Y.Map<unknown>>('visits');
	return [...visits.entries()].map(([id, v]) => ({
		id,
		clientId: String(v.get('clientId')),
		date: String(v.get('date')),
		status: String(v.get('status'))
	}));
}

/**
 * Changes a board through the Yjs protocol, as the board page does, with the context's session;
 * resolves once a fresh copy from the server shows `accepted` (the server judged the change).
 */
export async function editBoard(
	room: string,
	cookie: string,
	edit: (doc: Y.Doc) => void,
	accepted: (doc: Y.Doc) => boolean
): Promise<void> {
	const doc = new Y.Doc();
	const headers = { cookie, origin: base() };
	const Polyfill = class extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers });
		}
	};
	const provider = new WebsocketProvider(`${wsBase()}/yjs`, room, doc, {
		WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	try {
		await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
		edit(doc);
		const until = Date.now() + 15_000;
		for (;;) {
			if (accepted(await syncedBoard(room, cookie))) return;
			if (Date.now() > until) throw new Error(`the server did not accept the change on ${room}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	} finally {
		provider.destroy();
	}
}
