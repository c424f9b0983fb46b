/**
 * The socket.io side of the board (DESIGN.md §5): joining a board, verdicts to the author's
 * devices, presence and frame figures to everyone on the board, and the commands. Thin: it
 * checks who is asking and the payload's shape, and leaves the work to rooms and commands.
 */
import { describeError } from './samples';
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

export type RealtimeServer = Server<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;
type RealtimeSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;

export interface HubDeps {
	rooms: RoomManager;
	commands: CommandDeps;
	canAccessTeam(user: SessionUser, teamId: string, start: string, end?: string): Promise<boolean>;
	log: Logger;
}

const localeOf = (actor: Actor): Locale => (actor.user.locale === 'en' ? 'en' : 'sv');

/** socket.io room of one person's devices on one board: where their verdicts go. */
export const authorRoom = (room: string, userId: string) => `${room}|user:${userId}`;
/** socket.io room of one session's sockets: closed together when the session ends. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export function createHub(io: RealtimeServer, deps: HubDeps): RoomEvents {
	const { rooms, log } = deps;
	const pendingPresence = new Set<string>();

	const subscribers = (room: string) => io.of('/').adapter.rooms.get(room)?.size ?? 0;

	function presence(room: string): PresenceEvent {
		const users = new Map<string, { id: string; name: string; sessions: Set<string> }>();
		const add = (actor: Actor) => {
			const entry = users.get(actor.user.id) ?? {
				id: actor.user.id,
				name: actor.user.name,
				sessions: new Set<string>()
			};
			entry.sessions.add(actor.sessionId);
			users.set(actor.user.id, entry);
		};
		for (const conn of rooms.rooms.get(room)?.connections ?? []) add(conn.actor);
		for (const id of io.of('/').adapter.rooms.get(room) ?? []) {
			const socket = io.of('/').sockets.get(id);
			if (socket) add(socket.data.actor);
		}
		return {
			room,
			users: [...users.values()]
				.map((u) => ({ id: u.id, name: u.name, devices: u.sessions.size }))
				.sort((a, b) => a.name.localeCompare(b.name, 'sv'))
		};
	}

	function schedulePresence(room: string) {
		if (pendingPresence.has(room)) return;
		pendingPresence.add(room);
		setImmediate(() => {
			pendingPresence.delete(room);
			if (subscribers(room) > 0) io.to(room).emit('presence', presence(room));
		});
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
			if (!ctx || subscribers(room.name) === 0) return;
			const frames = clientIds
				.filter((c) => ctx.clients.has(c))
				.flatMap((c) => room.frameRows(ctx, c));
			if (frames.length > 0) io.to(room.name).emit('frames', { room: room.name, frames });
		},
		presenceChanged(room: Room) {
			schedulePresence(room.name);
		},
		hasSubscribers(room: string) {
			return subscribers(room) > 0;
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
		const invalid = (): Ack => ({ ok: false, error: 'invalid-input' satisfies RealtimeError });

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
				await socket.join([room, authorRoom(room, user.id)]);
				schedulePresence(room);
				return { ok: true, presence: presence(room) } as const;
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
			schedulePresence(room);
			rooms.rooms.get(room)?.scheduleIdleCheck();
			if (typeof ack === 'function') ack({ ok: true });
		});

		socket.on('time:record', (payload, ack) =>
			guard('time:record', ack, async () => {
				const parsed = timeRecordPayload.safeParse(payload);
				if (!parsed.success) return invalid();
				return recordTime(deps.commands, socket.data.actor, parsed.data);
			})
		);
		socket.on('absence:set', (payload, ack) =>
			guard('absence:set', ack, async () => {
				const parsed = absenceSetPayload.safeParse(payload);
				if (!parsed.success) return invalid();
				return setAbsence(deps.commands, socket.data.actor, parsed.data);
			})
		);
		socket.on('visit:move-week', (payload, ack) =>
			guard('visit:move-week', ack, async () => {
				const parsed = visitMoveWeekPayload.safeParse(payload);
				if (!parsed.success) return invalid();
				return moveVisitWeek(deps.commands, socket.data.actor, parsed.data);
			})
		);

		socket.on('week:fill', (payload, ack) =>
			guard('week:fill', ack, async () => {
				const parsed = weekFillPayload.safeParse(payload);
				if (!parsed.success) return invalid();
				return weekFillCommand(deps.commands, socket.data.actor, parsed.data);
			})
		);

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

	return events;
}
