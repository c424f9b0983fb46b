/**
 * The socket.io side of the board (DESIGN.md §5): joining a board, verdicts to the author's
 * devices, presence and frame figures to everyone on the board, and the commands. Thin: it
 * checks who is asking and the payload's shape, and leaves the work to rooms and commands.
 */
import { describeError } from './samples';
import type { IncomingHttpHeaders } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { isoWeekRange, todayIn } from '$lib/domain/periods';
import { parseBoardRoom } from '$lib/board/schema';
import {
	absenceSetPayload,
	joinPayload,
	timeRecordPayload,
	visitMoveWeekPayload,
	weekFillPayload,
	type Ack,
	type ClientToServerEvents,
	type PresenceEvent,
	type RealtimeError,
	type ServerToClientEvents
} from '$lib/realtime/protocol';
import type { SessionUser } from '../auth/session';
import { verdictMessage, type Locale } from '../services/verdict-text';
import { moveVisitWeek, recordTime, setAbsence, type CommandDeps } from './commands';
import { fillOnLoad, weekFillCommand } from './base-plan-fill';
import { isLimitVerdict, limitMessage } from './limit-text';
import type { BoardDataScope } from './invalidate';
import { NotOwnerError } from '../cluster/ownership';
import { RemoteInterest, type InterestEvents } from '../cluster/interest';
import { TokenBucket } from './rate-limit';
import type { LimitRefusal } from './layout-guard';
import type { Actor, Logger, Room, RoomEvents } from './room';
import type { RoomManager } from './rooms';

export interface SocketData {
	actor: Actor;
	token: string;
	expiresAt: Date;
	commands: TokenBucket;
}

/** Who is on a board in one process: its board sockets and socket.io sockets. */
export interface Member {
	id: string;
	name: string;
	sessionId: string;
}

/** What the processes of a cluster tell each other (socket.io's server-side events). */
export interface ClusterEvents extends InterestEvents {
	/** Each process answers with the members of `room` it holds. */
	'presence:collect'(room: string, reply: (members: Member[]) => void): void;
	/** Board data changed in another process (see invalidate.ts). */
	'board-data'(scope: BoardDataScope): void;
	/** A session ended or its acting person changed: close its board sockets here too. */
	'session:close'(sessionId: string): void;
}

export type RealtimeServer = Server<
	ClientToServerEvents,
	ServerToClientEvents,
	ClusterEvents,
	SocketData
>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, ClusterEvents, SocketData>;

/** The board commands by event name: the payload's shape and what runs it. */
const COMMANDS = {
	'time:record': { payload: timeRecordPayload, run: recordTime },
	'absence:set': { payload: absenceSetPayload, run: setAbsence },
	'visit:move-week': { payload: visitMoveWeekPayload, run: moveVisitWeek },
	'week:fill': { payload: weekFillPayload, run: weekFillCommand }
} as const;
export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/**
 * Runs command `name` for `actor` on an unchecked payload. Throws NotOwnerError when a board
 * it needs is served by another process.
 */
export async function runCommand(
	deps: CommandDeps,
	actor: Actor,
	name: CommandName,
	payload: unknown
): Promise<Ack<object>> {
	const command = COMMANDS[name];
	const parsed = command.payload.safeParse(payload);
	if (!parsed.success) return { ok: false, error: 'invalid-input' satisfies RealtimeError };
	return (command.run as (d: CommandDeps, a: Actor, p: unknown) => Promise<Ack<object>>)(
		deps,
		actor,
		parsed.data
	);
}

export interface HubDeps {
	rooms: RoomManager;
	commands: CommandDeps;
	canAccessTeam(user: SessionUser, teamId: string, start: string, end?: string): Promise<boolean>;
	log: Logger;
	/**
	 * With several processes: sends a command to the process serving its team (`owner`, from
	 * NotOwnerError) with the socket's handshake headers, and answers with its reply.
	 */
	forward?(
		owner: string,
		headers: IncomingHttpHeaders,
		name: CommandName,
		payload: unknown
	): Promise<Ack<object>>;
}

/** How long presence waits for the other processes' members. */
const PRESENCE_WAIT_MS = 1000;

const localeOf = (actor: Actor): Locale => (actor.user.locale === 'en' ? 'en' : 'sv');

/** socket.io room of one person's devices on one board: where their verdicts go. */
export const authorRoom = (room: string, userId: string) => `${room}|user:${userId}`;
/** socket.io room of one session's sockets: closed together when the session ends. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** socket.io room of a board's sockets in one language: where its notices go. */
export const localeRoom = (room: string, locale: Locale) => `${room}|lang:${locale}`;

/** The room events for `rooms`, and `stop` for when the realtime layer closes. */
export function createHub(io: RealtimeServer, deps: HubDeps): { events: RoomEvents; stop(): void } {
	const { rooms, log } = deps;
	const cluster = !rooms.ownership.sole;
	const pendingPresence = new Set<string>();

	const remote = cluster ? new RemoteInterest(io) : null;
	/** Whether some socket.io client, in this process or another, follows `room`. */
	const followed = (room: string) =>
		(io.of('/').adapter.rooms.get(room)?.size ?? 0) > 0 || (remote?.has(room) ?? false);

	/** The members of `room` this process holds. */
	function localMembers(room: string): Member[] {
		const members: Member[] = [];
		const add = (actor: Actor) =>
			members.push({ id: actor.user.id, name: actor.user.name, sessionId: actor.sessionId });
		for (const conn of rooms.rooms.get(room)?.connections ?? []) add(conn.actor);
		for (const id of io.of('/').adapter.rooms.get(room) ?? []) {
			const socket = io.of('/').sockets.get(id);
			if (socket) add(socket.data.actor);
		}
		return members;
	}

	/** Every process's members of `room` (this one's alone when the others do not answer). */
	async function members(room: string): Promise<Member[]> {
		const own = localMembers(room);
		if (!cluster) return own;
		const others = await new Promise<Member[][]>((resolve) => {
			// A process that died is noticed by the adapter only after its heartbeat timeout: a
			// join does not wait that long for the list, which follows with the next change.
			const timer = setTimeout(() => resolve([]), PRESENCE_WAIT_MS);
			io.serverSideEmit('presence:collect', room, (error: Error | null, replies: Member[][]) => {
				clearTimeout(timer);
				resolve(error ? [] : replies);
			});
		});
		return [...own, ...others.flat()];
	}

	function presenceOf(room: string, list: Member[]): PresenceEvent {
		const users = new Map<string, { id: string; name: string; sessions: Set<string> }>();
		for (const m of list) {
			const entry = users.get(m.id) ?? { id: m.id, name: m.name, sessions: new Set<string>() };
			entry.sessions.add(m.sessionId);
			users.set(m.id, entry);
		}
		return {
			room,
			users: [...users.values()]
				.map((u) => ({ id: u.id, name: u.name, devices: u.sessions.size }))
				.sort((a, b) => a.name.localeCompare(b.name, 'sv'))
		};
	}

	const presence = async (room: string) => presenceOf(room, await members(room));

	function schedulePresence(room: string) {
		if (pendingPresence.has(room)) return;
		pendingPresence.add(room);
		setImmediate(() => {
			pendingPresence.delete(room);
			if (!followed(room)) return;
			presence(room).then(
				(event) => io.to(room).emit('presence', event),
				(error: unknown) => log.warn('presence failed', { error: describeError(error) })
			);
		});
	}

	if (cluster) {
		io.on('presence:collect', (room, reply) => reply(localMembers(room)));
	}

	const events: RoomEvents = {
		verdicts(room, author, settled, ctx) {
			const target = io.to(authorRoom(room.name, author.user.id));
			for (const verdict of settled.verdicts) {
				if (isLimitVerdict(verdict.violation)) {
					const reason = (verdict.violation as { reason: LimitRefusal['reason'] }).reason;
					target.emit('verdict', {
						room: room.name,
						visitId: verdict.visitId,
						rule: 'board-limit',
						message: limitMessage({ about: 'visit', reason }, localeOf(author)),
						details: { reason },
						undone: verdict.undone
					});
					continue;
				}
				const clientId = verdict.visit?.clientId ?? '';
				const message = verdictMessage(
					verdict.violation,
					verdict.undone,
					{
						locale: author.user.locale,
						today: todayIn(),
						clientName: ctx.clients.get(clientId)?.name ?? '',
						serviceName: (code, l) => ctx.serviceNames[code]?.[l] ?? code,
						competenceName: (code, l) => ctx.competenceNames[code]?.[l] ?? code
					},
					verdict.visit?.date,
					verdict.status
				);
				target.emit('verdict', {
					room: room.name,
					visitId: verdict.visitId,
					rule: verdict.violation.rule,
					message,
					details: verdict.violation as unknown as Record<string, unknown>,
					undone: verdict.undone
				});
			}
		},
		refusals(room, author, refusals) {
			const target = io.to(authorRoom(room.name, author.user.id));
			for (const refusal of refusals) {
				target.emit('verdict', {
					room: room.name,
					visitId: '',
					about: { kind: refusal.about, id: refusal.id },
					rule: 'board-limit',
					message: limitMessage(refusal, localeOf(author)),
					details: { reason: refusal.reason },
					undone: refusal.about === 'board' ? [] : [refusal.about]
				});
			}
		},
		framesChanged(room: Room, clientIds: string[]) {
			const ctx = room.currentContext;
			if (!ctx || !followed(room.name)) return;
			const frames = clientIds
				.filter((c) => ctx.clients.has(c))
				.flatMap((c) => room.frameRows(ctx, c));
			if (frames.length > 0) io.to(room.name).emit('frames', { room: room.name, frames });
		},
		presenceChanged(room: Room) {
			schedulePresence(room.name);
		},
		// Only this process's subscribers keep its rooms loaded: another process's entry may be
		// left from a process that died.
		hasSubscribers(room: string) {
			return (io.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
		}
	};

	rooms.afterLoad = (room) => fillOnLoad(deps.commands, room.name, log);

	io.on('connection', (socket: RealtimeSocket) => {
		void socket.join(sessionRoom(socket.data.actor.sessionId));
		const user = socket.data.actor.user;

		const guard = <T>(name: string, ack: unknown, run: () => Promise<Ack<T & object>>): void => {
			if (typeof ack !== 'function') return;
			const reply = ack as (result: Ack<T & object>) => void;
			if (!socket.data.commands.take()) {
				reply({ ok: false, error: 'rate-limited' });
				return;
			}
			run().then(reply, (error: unknown) => {
				log.error(`${name} failed`, { error: describeError(error) });
				reply({ ok: false, error: 'internal' });
			});
		};

		socket.on('join', (payload, ack) =>
			guard<{ presence: PresenceEvent }>('join', ack, async () => {
				const parsed = joinPayload.safeParse(payload);
				if (!parsed.success) return { ok: false, error: 'invalid-room' } as const;
				const room = parsed.data.room;
				const { teamId, week } = parseBoardRoom(room)!;
				const range = isoWeekRange(week);
				if (!(await deps.canAccessTeam(user, teamId, range.start, range.end))) {
					return { ok: false, error: 'forbidden' } as const;
				}
				await socket.join([
					room,
					authorRoom(room, user.id),
					localeRoom(room, localeOf(socket.data.actor))
				]);
				schedulePresence(room);
				return { ok: true, presence: await presence(room) } as const;
			})
		);

		socket.on('leave', (payload, ack) => {
			const parsed = joinPayload.safeParse(payload);
			if (!parsed.success) {
				if (typeof ack === 'function') ack({ ok: false, error: 'invalid-room' });
				return;
			}
			const room = parsed.data.room;
			void socket.leave(room);
			void socket.leave(authorRoom(room, user.id));
			void socket.leave(localeRoom(room, localeOf(socket.data.actor)));
			schedulePresence(room);
			rooms.rooms.get(room)?.scheduleIdleCheck();
			if (typeof ack === 'function') ack({ ok: true });
		});

		/** Runs a command here, or at the process that serves its team. */
		const command = (name: CommandName, payload: unknown, ack: unknown) =>
			guard<object>(name, ack, async () => {
				try {
					return await runCommand(deps.commands, socket.data.actor, name, payload);
				} catch (error) {
					if (!(error instanceof NotOwnerError)) throw error;
					if (!error.owner || !deps.forward) return { ok: false, error: 'internal' } as const;
					return deps.forward(error.owner, socket.request.headers, name, payload);
				}
			});
		for (const name of COMMAND_NAMES) {
			socket.on(name, (payload: unknown, ack: unknown) => command(name, payload, ack));
		}

		socket.on('disconnecting', () => {
			const boards = [...socket.rooms].filter((r) => parseBoardRoom(r) !== null);
			setImmediate(() => {
				for (const room of boards) {
					schedulePresence(room);
					rooms.rooms.get(room)?.scheduleIdleCheck();
				}
			});
		});
	});

	return { events, stop: () => remote?.stop() };
}
