/**
 * The realtime layer on an HTTP server (DESIGN.md §4–§6): y-websocket at `/yjs/<room>` and
 * socket.io at `/socket.io`, both authenticated by the session cookie and the Origin
 * allowlist. The same `attachRealtime` serves production (server.ts), the Vite dev server
 * (vite-plugin.ts) and the tests; everything it needs is passed in.
 */
import { describeError } from './samples';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { isoWeekRange, todayIn } from '$lib/domain/periods';
import type { IsoDate } from '$lib/domain/types';
import { BOARD_LIMITS, NEW_BOARD_WEEKS, weeksFromToday } from '$lib/board/limits';
import { parseBoardRoom } from '$lib/board/schema';
import {
	CLOSE_CODES,
	SOCKET_IO_PATH,
	TOO_MANY_CONNECTIONS,
	YJS_PATH,
	type OverLimitReason
} from '$lib/realtime/protocol';
import type { Db } from '../db/client';
import {
	SESSION_COOKIE,
	type SessionInfo,
	type SessionStore,
	type SessionUser
} from '../auth/session';
import { canOpenBoard } from '../auth/access';
import type { BoardStore } from './board-store';
import { PostgresBoardStore } from './board-store.postgres';
import type { TeamContextSource } from './context';
import { createPostgresContextSource } from './context.postgres';
import {
	COMMAND_NAMES,
	createHub,
	localeRoom,
	runCommand,
	sessionRoom,
	type CommandName,
	type RealtimeServer
} from './hub';
import { NotOwnerError, type Ownership } from '../cluster/ownership';
import { proxyBoard } from '../cluster/board-proxy';
import { COMMAND_PATH, isForwarded } from '../cluster/internal';
import { forwardCommand, serveForwardedCommand } from '../cluster/command-forward';
import { onBoardDataChanged, type BoardDataScope } from './invalidate';
import { announce, type NoticeTarget } from './notices';
import type { Locale } from '../services/verdict-text';
import { ConnectionLimits, type ConnectionLimitOptions } from './connection-limits';
import type { Actor, Logger, RoomOptions } from './room';
import { RoomManager } from './rooms';
import { watchHeartbeats } from './heartbeat';
import { BoardWriter } from './writer';

export interface RealtimeOptions extends RoomOptions, ConnectionLimitOptions {
	/**
	 * Largest WebSocket frame accepted. A full team week (25 clients, 600 visits with notes)
	 * encodes to about 260 KB, and to about 620 KB after 24,000 edits (limits.spec.ts); 2 MiB
	 * lets a device that was offline for long send everything it did in one message, without
	 * accepting ws's 100 MiB default.
	 */
	maxPayload: number;
	/** How often sessions of open sockets are checked for expiry. */
	sessionCheckMs: number;
	/**
	 * Weeks around today whose boards are created by opening them; a board further away opens
	 * only when it exists (see NEW_BOARD_WEEKS). `null`: every week opens freely.
	 */
	newBoardWeeks: { past: number; future: number } | null;
	/** Board commits in flight at once (`BoardWriter`'s lanes). */
	commitLanes: number;
}

export const DEFAULT_OPTIONS: RealtimeOptions = {
	maxPayload: 2 * 1024 * 1024,
	contextTtlMs: 10_000,
	contextMaxAgeMs: 60_000,
	compactEvery: 300,
	compactBytes: 1024 * 1024,
	idleMs: 30_000,
	boardBytes: BOARD_LIMITS.bytes,
	boardHardBytes: BOARD_LIMITS.hardBytes,
	messageBurst: 300,
	messagesPerSecond: 60,
	byteBurst: 4 * 1024 * 1024,
	bytesPerSecond: 512 * 1024,
	maxBufferedBytes: 8 * 1024 * 1024,
	auditCoalesceMs: 60_000,
	sessionCheckMs: 60_000,
	// A tablet with several tabs of boards, or a phone: each board tab holds one socket of each.
	socketsPerSession: 16,
	sessionMessageBurst: 600,
	sessionMessagesPerSecond: 120,
	sessionByteBurst: 4 * 1024 * 1024,
	sessionBytesPerSecond: 1024 * 1024,
	commandBurst: 30,
	commandsPerSecond: 10,
	boardsPerUser: 12,
	boardLoadBurst: 24,
	boardLoadsPerMinute: 20,
	newBoardWeeks: NEW_BOARD_WEEKS,
	commitLanes: 1
};

export interface RealtimeDeps {
	db: Db;
	sessions: SessionStore;
	/** Origins allowed to open sockets (`http://localhost:3000`, …). */
	allowedOrigins: string[];
	log?: Logger;
	/** Board storage; the database by default. */
	store?: BoardStore;
	/** Where rule context comes from; the database by default. */
	contexts?: TeamContextSource;
	/** Board access check; `canOpenBoard` from auth by default. */
	canAccessTeam?: (
		user: SessionUser,
		teamId: string,
		start: string,
		end?: string
	) => Promise<boolean>;
	options?: Partial<RealtimeOptions>;
	/** Today in the organisation's time zone, for the window of new boards (tests fix it). */
	today?: () => IsoDate;
	/** Several processes on one PostgreSQL (README, "Several processes"). */
	cluster?: ClusterDeps;
}

export interface ClusterDeps {
	/** Which process serves which team's boards (ownership.postgres.ts). */
	ownership: Ownership;
	/** Shared by the cluster's processes; marks requests forwarded by one of them. */
	secret: string;
	/** The socket.io adapter that carries events between the processes. */
	adapter: Parameters<RealtimeServer['adapter']>[0];
}

export interface Realtime {
	io: RealtimeServer;
	rooms: RoomManager;
	writer: BoardWriter;
	/** Makes open boards of `teamId` (or all) judge the next change on fresh data. */
	invalidate(teamId?: string): void;
	stats(): {
		rooms: number;
		connections: number;
		sockets: number;
		updates: number;
		refused: number;
		commits: number;
	};
	limits: ConnectionLimits;
	/**
	 * Serves a request other processes of the cluster send (a forwarded command); false when
	 * `req` is not one, for the app to handle.
	 */
	handleInternal(req: IncomingMessage, res: ServerResponse): boolean;
	/**
	 * Detaches from the HTTP server (which stays open). Boards are persisted and compacted
	 * first; with `hard`, everything is dropped at once, as a crash would.
	 */
	close(opts?: { hard?: boolean }): Promise<void>;
}

const consoleLogger: Logger = {
	info: (message, data) => console.info(`[realtime] ${message}`, data ?? ''),
	warn: (message, data) => console.warn(`[realtime] ${message}`, data ?? ''),
	error: (message, data) => console.error(`[realtime] ${message}`, data ?? '')
};

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}

const STATUS_TEXT: Record<number, string> = {
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	503: 'Service Unavailable'
};

/** When a socket's session must be checked again: its expiry, or a tablet's idle lock. */
function socketExpiry(session: SessionInfo): Date {
	const idle = session.acting?.expiresAt;
	return idle && idle < session.expiresAt ? idle : session.expiresAt;
}

function refuseUpgrade(socket: Duplex, status: number): void {
	if (socket.destroyed) return;
	const body = STATUS_TEXT[status] ?? 'Error';
	socket.end(
		`HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
			`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
	);
}

export function attachRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
	const options: RealtimeOptions = { ...DEFAULT_OPTIONS, ...deps.options };
	const log = deps.log ?? consoleLogger;
	const allowed = new Set(deps.allowedOrigins);
	const cluster = deps.cluster;
	const store = deps.store ?? new PostgresBoardStore(deps.db, cluster?.ownership.fence ?? null);
	const contexts = deps.contexts ?? createPostgresContextSource(deps.db);
	const access =
		deps.canAccessTeam ??
		((user: SessionUser, teamId: string, start: string, end?: string) =>
			canOpenBoard(deps.db, user, teamId, start, end));
	const writer = new BoardWriter(store, { lanes: options.commitLanes });
	const rooms = new RoomManager(store, writer, contexts, log, options, cluster?.ownership);
	const limits = new ConnectionLimits(options);
	const today = deps.today ?? (() => todayIn());

	/**
	 * Whether `room` may be opened: any board that is loaded or stored, and a new one only
	 * within `newBoardWeeks` of today (a person creates one further away on the board page).
	 */
	async function mayOpen(room: string, week: string): Promise<boolean> {
		const window = options.newBoardWeeks;
		if (!window || rooms.rooms.has(room)) return true;
		const weeks = weeksFromToday(week, today());
		if (weeks >= -window.past && weeks <= window.future) return true;
		return store.exists(room);
	}

	/**
	 * The actor behind a request's session cookie, or null. A team tablet acts only while a
	 * person has unlocked it with their PIN (`locked` otherwise): the actor then names that
	 * person, and its sockets are closed when the tablet is locked or idles out, so a change is
	 * never written in the name of somebody who has left.
	 */
	async function authenticate(
		headers: IncomingMessage['headers']
	): Promise<{ actor: Actor; token: string; expiresAt: Date } | null | 'locked'> {
		const token = cookieValue(headers.cookie, SESSION_COOKIE);
		if (!token) return null;
		const result = await deps.sessions.validate(token);
		if (!result) return null;
		const ua = (headers['user-agent'] ?? '').slice(0, 300);
		if (result.user.role !== 'teamDevice') {
			return {
				actor: { user: result.user, sessionId: result.session.id, device: ua },
				token,
				expiresAt: result.session.expiresAt
			};
		}
		const acting = result.session.acting;
		if (!acting) return 'locked';
		return {
			actor: {
				user: result.user,
				sessionId: result.session.id,
				device: `${result.user.username}: ${ua}`.slice(0, 300),
				actingStaffId: acting.staffId
			},
			token,
			expiresAt: socketExpiry(result.session)
		};
	}

	// y-websocket
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: options.maxPayload,
		perMessageDeflate: false
	});
	watchHeartbeats(wss, deps.options);
	const sessionsOf = new WeakMap<object, { token: string; expiresAt: Date }>();
	let closing = false;

	const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = (req.url ?? '').split('?')[0];
		if (!path.startsWith(`${YJS_PATH}/`)) return;
		socket.on('error', () => socket.destroy());
		void (async () => {
			if (closing) return refuseUpgrade(socket, 503);
			const origin = req.headers.origin;
			if (!origin || !allowed.has(origin)) return refuseUpgrade(socket, 403);
			const auth = await authenticate(req.headers);
			if (auth === 'locked') return refuseUpgrade(socket, 403);
			if (!auth) return refuseUpgrade(socket, 401);
			let roomName: string;
			try {
				roomName = decodeURIComponent(path.slice(YJS_PATH.length + 1));
			} catch {
				return refuseUpgrade(socket, 403);
			}
			const parsed = parseBoardRoom(roomName);
			if (!parsed) return refuseUpgrade(socket, 403);
			const week = isoWeekRange(parsed.week);
			if (!(await access(auth.actor.user, parsed.teamId, week.start, week.end))) {
				return refuseUpgrade(socket, 403);
			}
			if (!(await mayOpen(roomName, parsed.week))) return refuseUpgrade(socket, 404);
			const slot = limits.admitBoard(
				auth.actor.sessionId,
				auth.actor.user.id,
				roomName,
				rooms.rooms.has(roomName)
			);
			if (!slot.ok) return refuseOverLimit(req, socket, head, slot.reason);
			// However the upgrade ends, the place is given back when the socket closes.
			socket.once('close', () => slot.value.release());
			let room;
			try {
				room = await rooms.acquire(roomName);
			} catch (error) {
				if (cluster && error instanceof NotOwnerError) {
					// Forwarded once already, or nobody serves the team yet: the device tries again.
					if (!error.owner || isForwarded(req.headers, cluster.secret)) {
						slot.value.release();
						return refuseUpgradeWith(req, socket, head, 1013, 'try again');
					}
					return proxyBoard({
						req,
						socket,
						head,
						wss,
						owner: error.owner,
						secret: cluster.secret,
						maxPayload: options.maxPayload,
						refuse: (status) => refuseUpgrade(socket, status)
					});
				}
				slot.value.release();
				throw error;
			}
			if (socket.destroyed) return slot.value.release();
			wss.handleUpgrade(req, socket, head, (ws) => {
				ws.once('close', () => slot.value.release());
				if (room.state !== 'open') {
					ws.close(1013, 'try again');
					return;
				}
				const conn = room.addConnection(ws, auth.actor, slot.value.budget);
				sessionsOf.set(conn, { token: auth.token, expiresAt: auth.expiresAt });
			});
		})().catch((error: unknown) => {
			log.error('board upgrade failed', { error: describeError(error) });
			refuseUpgrade(socket, 503);
		});
	};
	/**
	 * Completes the upgrade only to close it with `code`: unlike an HTTP status, a close code
	 * and reason reach a browser's page, which can say why it is not connected.
	 */
	function refuseUpgradeWith(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		code: number,
		reason: string
	) {
		if (socket.destroyed) return;
		wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, reason));
	}
	const refuseOverLimit = (
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		reason: OverLimitReason
	) => refuseUpgradeWith(req, socket, head, CLOSE_CODES.overLimit, reason);
	httpServer.on('upgrade', onUpgrade);

	// socket.io
	const io: RealtimeServer = new SocketIoServer(httpServer, {
		path: SOCKET_IO_PATH,
		serveClient: false,
		// Leave every other upgrade (the Yjs socket, Vite's HMR) alone.
		destroyUpgrade: false,
		maxHttpBufferSize: 64 * 1024,
		allowRequest: (req, callback) => {
			const origin = req.headers.origin;
			callback(
				origin && allowed.has(origin) ? null : 'forbidden',
				Boolean(origin && allowed.has(origin))
			);
		}
	});
	if (cluster) io.adapter(cluster.adapter);
	io.use((socket, next) => {
		const origin = socket.handshake.headers.origin;
		if (!origin || !allowed.has(origin)) return next(new Error('forbidden'));
		authenticate(socket.request.headers).then(
			(auth) => {
				if (auth === 'locked') return next(new Error('forbidden'));
				if (!auth) return next(new Error('unauthorized'));
				const slot = limits.admitSocket(auth.actor.sessionId);
				if (!slot.ok) return next(new Error(TOO_MANY_CONNECTIONS));
				socket.data = {
					actor: auth.actor,
					token: auth.token,
					expiresAt: auth.expiresAt,
					commands: slot.value.commands
				};
				socket.once('disconnect', () => slot.value.release());
				next();
			},
			(error: unknown) => next(error instanceof Error ? error : new Error('internal'))
		);
	});
	const commandDeps = { db: deps.db, rooms, canAccessTeam: access };
	const hub = createHub(io, {
		rooms,
		log,
		canAccessTeam: access,
		commands: commandDeps,
		forward: cluster
			? (owner, headers, name, payload) =>
					forwardCommand(owner, cluster.secret, headers, name, payload)
			: undefined
	});
	rooms.events = hub.events;

	/** A command another process forwarded: run here for the person its headers name. */
	function handleInternal(req: IncomingMessage, res: ServerResponse): boolean {
		if ((req.url ?? '').split('?')[0] !== COMMAND_PATH) return false;
		if (!cluster || !isForwarded(req.headers, cluster.secret)) {
			res.writeHead(404).end();
			return true;
		}
		serveForwardedCommand(req, res, async (name, payload) => {
			const origin = req.headers.origin;
			if (!origin || !allowed.has(origin)) return 'forbidden';
			const auth = await authenticate(req.headers);
			if (auth === 'locked') return 'forbidden';
			if (!auth) return 'unauthorized';
			if (!COMMAND_NAMES.includes(name as CommandName)) {
				return { ok: false, error: 'invalid-input' } as const;
			}
			try {
				return await runCommand(commandDeps, auth.actor, name as CommandName, payload);
			} catch (error) {
				// The team moved on meanwhile: the device sends the command again.
				if (error instanceof NotOwnerError) return { ok: false, error: 'internal' } as const;
				throw error;
			}
		}).catch((error: unknown) => {
			log.error('forwarded command failed', { error: describeError(error) });
			if (!res.headersSent) res.writeHead(500).end();
		});
		return true;
	}

	// Sessions: closing one closes its sockets; expired ones are found on a sweep.
	// The adapter carries socket.io's part to every process; board sockets are closed by the
	// process that serves them, told by a server-side event.
	const closeBoardSockets = (sessionId: string) => {
		rooms.closeSession(sessionId, CLOSE_CODES.sessionEnded);
		if (cluster) io.serverSideEmit('session:close', sessionId);
	};
	if (cluster) {
		io.on('session:close', (sessionId) => rooms.closeSession(sessionId, CLOSE_CODES.sessionEnded));
	}
	const endSession = (sessionId: string) => {
		io.to(sessionRoom(sessionId)).emit('session:ended');
		io.in(sessionRoom(sessionId)).disconnectSockets(true);
		closeBoardSockets(sessionId);
	};
	const stopListening = deps.sessions.onInvalidate(endSession);
	// A team tablet locked, idled out or unlocked by someone else: its sockets close, and the
	// board connects again (as the new person) only after the next unlock.
	const stopActing = deps.sessions.onActingChanged((sessionId) => {
		io.in(sessionRoom(sessionId)).disconnectSockets(true);
		closeBoardSockets(sessionId);
	});
	const noticeTarget: NoticeTarget = {
		// In a cluster the board's sockets may be anywhere: a notice goes out in both languages.
		locales: (room) =>
			cluster
				? (['sv', 'en'] as Locale[])
				: [
						...new Set(
							[...(io.of('/').adapter.rooms.get(room) ?? [])].map(
								(id) => (io.of('/').sockets.get(id)?.data.actor.user.locale ?? 'sv') as Locale
							)
						)
					],
		emit: (room, locale, event) => io.to(localeRoom(room, locale)).emit('notice', event)
	};
	const boardDataChanged = ({ teamId, change }: BoardDataScope) => {
		rooms.invalidate(teamId);
		if (!teamId || !change) return;
		announce(rooms, noticeTarget, teamId, change).catch((error: unknown) =>
			log.error('board notice failed', { error: describeError(error) })
		);
	};
	// A change saved in any process reaches the process that serves the team's boards.
	if (cluster) io.on('board-data', boardDataChanged);
	const stopInvalidations = onBoardDataChanged((scope) => {
		boardDataChanged(scope);
		if (cluster) io.serverSideEmit('board-data', scope);
	});
	const sweep = setInterval(() => {
		const now = Date.now();
		const check = (
			token: string,
			expiresAt: Date,
			sessionId: string,
			update: (d: Date) => void
		) => {
			if (expiresAt.getTime() > now) return;
			deps.sessions.validate(token).then(
				(result) => (result ? update(socketExpiry(result.session)) : endSession(sessionId)),
				() => {}
			);
		};
		for (const room of rooms.rooms.values()) {
			for (const conn of room.connections) {
				const s = sessionsOf.get(conn);
				if (s) check(s.token, s.expiresAt, conn.actor.sessionId, (d) => (s.expiresAt = d));
			}
		}
		for (const socket of io.of('/').sockets.values()) {
			const d = socket.data;
			check(d.token, d.expiresAt, d.actor.sessionId, (e) => (d.expiresAt = e));
		}
		limits.sweep(10 * 60_000, now);
	}, options.sessionCheckMs);
	sweep.unref();

	return {
		io,
		rooms,
		writer,
		limits,
		handleInternal,
		invalidate: (teamId) => rooms.invalidate(teamId),
		stats() {
			let connections = 0;
			let updates = 0;
			let refused = 0;
			for (const room of rooms.rooms.values()) {
				connections += room.connections.size;
				updates += room.stats.updates;
				refused += room.stats.refused;
			}
			return {
				rooms: rooms.rooms.size,
				connections,
				sockets: io.of('/').sockets.size,
				updates,
				refused,
				commits: writer.stats.commits
			};
		},
		async close(opts = {}) {
			closing = true;
			clearInterval(sweep);
			hub.stop();
			stopListening();
			stopActing();
			stopInvalidations();
			httpServer.off('upgrade', onUpgrade);
			io.local.disconnectSockets(true);
			io.engine.close();
			// Leaves the cluster's channel, so the other processes stop waiting for this one.
			if (cluster) await io.of('/').adapter.close();
			await rooms.close(opts);
			for (const client of wss.clients) client.terminate();
			wss.close();
		}
	};
}

export { notifyBoardDataChanged } from './invalidate';
export { RoomManager } from './rooms';
export { MemoryBoardStore } from './board-store';
export { PostgresBoardStore } from './board-store.postgres';
