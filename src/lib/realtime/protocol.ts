/**
 * The socket.io wire protocol between the board and the server (DESIGN.md §5), declared once
 * and used by both ends. Boards themselves travel over the y-websocket protocol at
 * `/yjs/<room>`; socket.io carries what is not the CRDT: verdicts, presence, frame figures
 * and the commands that change relational data.
 */
import { z } from 'zod';
import { DAY_PARTS, RULE_IDS, type RuleId } from '$lib/domain/types';
import { parseBoardRoom } from '$lib/board/schema';

/** Path of the Yjs WebSocket: a provider connects to `origin + YJS_PATH + '/' + room`. */
export const YJS_PATH = '/yjs';
/** Path of socket.io. */
export const SOCKET_IO_PATH = '/socket.io';

/**
 * The rules a verdict can name: the four of DESIGN.md §3, `malformed`, and `board-limit` for a
 * change over one of the board's bounds (a text too long, too many entries, a full board; see
 * BOARD_LIMITS in `$lib/board`).
 */
export const VERDICT_RULES = [...RULE_IDS, 'board-limit'] as const;
export type VerdictRule = RuleId | 'board-limit';

/** Why a command or a join was refused. */
export const REALTIME_ERRORS = [
	/** No valid session. */
	'unauthorized',
	/** Outside the user's teams, or a foreign Origin. */
	'forbidden',
	/** Not a board room name. */
	'invalid-room',
	/** The payload does not have the command's shape. */
	'invalid-input',
	/** No such visit or staff member. */
	'not-found',
	/** The change would break a rule; `verdict` says which. */
	'refused',
	/**
	 * The idempotency key was used before for another command, by another person, or with
	 * other values; nothing changed. Resending the same payload is a replay, never a conflict.
	 */
	'conflict',
	/** Time is recorded afterwards: the visit is dated after today in the team's time zone. */
	'future-date',
	/** Too many commands in a short time. */
	'rate-limited',
	'internal'
] as const;
export type RealtimeError = (typeof REALTIME_ERRORS)[number];

/** Close codes of the Yjs WebSocket besides the normal ones. */
export const CLOSE_CODES = {
	/** A frame that is not the y-websocket protocol, or a broken Yjs update. */
	malformed: 1007,
	/** Too many messages, or an update that depends on history the server lacks. */
	policy: 1008,
	/** A frame larger than the limit. */
	tooLarge: 1009,
	/** The session ended (logout, expiry, password change). */
	sessionEnded: 4001,
	/** The board is at its size bound and takes no more changes. */
	boardFull: 4013,
	/**
	 * Too many sockets on one session, too many boards open for one person, or boards opened
	 * too fast; the reason says which. The provider tries again later.
	 */
	overLimit: 4029,
	/** The server is shutting down; reconnect later. */
	goingAway: 1001
} as const;

/** Close reasons that go with CLOSE_CODES.overLimit, and socket.io's refusal of a connection. */
export const OVER_LIMIT_REASONS = ['too many connections', 'too many boards'] as const;
export type OverLimitReason = (typeof OVER_LIMIT_REASONS)[number];
/** The socket.io `connect_error` message when a session has too many sockets. */
export const TOO_MANY_CONNECTIONS = 'too-many-connections';

/**
 * A refused board change, sent to the author's devices only. `undone` lists what the server
 * put back: visit fields restored to their last accepted value (`'minutes'`, `'assignees'` …),
 * `'status'` when a new visit was cancelled instead, or `'visit'` when it was removed; a
 * signal or huddle day is put back whole (`undone: ['signal']`, `['huddle']`).
 */
export interface VerdictEvent {
	room: string;
	/** The visit; for a verdict about a signal, a huddle day or the board, see `about`. */
	visitId: string;
	/** What the verdict is about when it is not a visit: `id` names the signal or the date. */
	about?: { kind: 'signal' | 'huddle' | 'board'; id: string };
	rule: VerdictRule;
	/** One sentence in the author's language with the numbers and what would be allowed. */
	message: string;
	/** The violation as structured data (see `Violation` in the domain types). */
	details: Record<string, unknown>;
	undone: string[];
}

/** Who is looking at a board right now: one entry per person, however many devices. */
export interface PresenceEvent {
	room: string;
	users: { id: string; name: string; devices: number }[];
}

/** A client's frame figures in one period, as `GET /api/teams/<id>/frames` gives them. */
export interface FrameRow {
	clientId: string;
	/** `YYYY-Www` or `YYYY-MM`. */
	period: string;
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	leftMinutes: number;
}

/** What a notice on a board is about. */
export const NOTICE_KINDS = ['decision-changed', 'staff-changed', 'base-plan-filled'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * News for everyone on a board from outside it — a client's decision changed, a colleague's
 * competence changed, the week was filled from the base plan — in the reader's language.
 * Nothing on the board is frozen by it: visits that no longer fit stay editable to fix.
 */
export interface NoticeEvent {
	room: string;
	kind: NoticeKind;
	message: string;
	clientId?: string;
	/** Planned visits on this board that the rules would now refuse. */
	visitIds: string[];
}

/** Frame figures that changed on a board (after a board change or recorded time). */
export interface FramesEvent {
	room: string;
	frames: FrameRow[];
}

export type Ack<T extends object = object> =
	| ({ ok: true } & T)
	| { ok: false; error: RealtimeError; verdict?: Omit<VerdictEvent, 'room' | 'undone'> };

const roomName = z.string().refine((r) => parseBoardRoom(r) !== null, 'not a board room');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const idempotencyKey = z.string().min(8).max(100);
const dayPart = z.enum(DAY_PARTS);

export const joinPayload = z.object({ room: roomName });
export type JoinPayload = z.infer<typeof joinPayload>;

/** What happened at a visit, as the worker records it ("Klar"). */
export const VISIT_OUTCOMES = ['done', 'declined', 'not-done'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

/** Longest note on a recorded visit and longest signal text. */
export const REPORT_LIMITS = { note: 2000, signal: 1000, declinedServices: 20 } as const;

/**
 * What happened at a visit: time really spent for the client in 5-minute steps (never
 * refused; flagged when it overdraws the frame), services the client declined, a note, and
 * optionally a signal for the team. `outcome` `declined` (the client declined the whole visit)
 * and `not-done` (with the reason in `note`) record no minutes. A second report for the same
 * visit corrects the first: a new row that names the old one.
 */
export const timeRecordPayload = z
	.object({
		visitId: uuid,
		minutes: z
			.number()
			.int()
			.min(0)
			.max(24 * 60)
			.refine((m) => m % 5 === 0, 'minutes in steps of 5'),
		idempotencyKey,
		/** With the client (default) or for the client without them, e.g. shopping. */
		withClient: z.boolean().optional(),
		outcome: z.enum(VISIT_OUTCOMES).optional(),
		declinedServices: z
			.array(z.string().min(1).max(60))
			.max(REPORT_LIMITS.declinedServices)
			.optional(),
		note: z.string().max(REPORT_LIMITS.note).optional(),
		signal: z.object({ text: z.string().trim().min(1).max(REPORT_LIMITS.signal) }).optional()
	})
	.refine((p) => (p.outcome ?? 'done') === 'done' || p.minutes === 0, {
		message: 'a declined or not carried out visit records no minutes',
		path: ['minutes']
	})
	.refine((p) => p.outcome !== 'not-done' || (p.note ?? '').trim().length > 0, {
		message: 'a visit not carried out needs a reason',
		path: ['note']
	});
export type TimeRecordPayload = z.infer<typeof timeRecordPayload>;

/**
 * A staff member away on a date (`'day'` or day parts) or back (`null`). The server writes
 * the absence table, shows it on the board and hands the person's visits in those day parts
 * back to the team (unassigned).
 */
export const absenceSetPayload = z.object({
	staffId: uuid,
	date: isoDate,
	dayParts: z.union([z.literal('day'), z.array(dayPart).min(1).max(4), z.null()]),
	idempotencyKey
});
export type AbsenceSetPayload = z.infer<typeof absenceSetPayload>;

/** Moves a visit to a date in another week: removed from one board, added to the other. */
export const visitMoveWeekPayload = z.object({
	visitId: uuid,
	fromRoom: roomName,
	toDate: isoDate,
	dayPart: dayPart.optional(),
	idempotencyKey
});
export type VisitMoveWeekPayload = z.infer<typeof visitMoveWeekPayload>;

/** Fills a week's board from the team's base plan (SPEC.md B8); at most once per team and week. */
export const weekFillPayload = z.object({ room: roomName, idempotencyKey });
export type WeekFillPayload = z.infer<typeof weekFillPayload>;

/** A visit the fill created that breaks a rule (or could not be created, `malformed`). */
export interface WeekFillVerdict {
	visitId: string;
	clientId: string;
	date: string;
	rule: VerdictRule;
	message: string;
}

/**
 * `created`: visits the fill put on the board (all in "Att fördela"); `unassigned`: those that
 * break a rule, with the verdict; `replayed`: the week was filled before and nothing changed.
 */
export type WeekFillResult = Ack<{
	created: number;
	unassigned: WeekFillVerdict[];
	replayed: boolean;
}>;

export type TimeRecordResult = Ack<{
	entryId: string;
	/** The entry this one corrects, when the visit had been reported before. */
	correctsId: string | null;
	overdrawn: boolean;
	replayed: boolean;
}>;
export type AbsenceSetResult = Ack<{ unassigned: string[]; replayed: boolean }>;
export type VisitMoveWeekResult = Ack<{ room: string; replayed: boolean }>;

export interface ClientToServerEvents {
	join(payload: JoinPayload, ack: (result: Ack<{ presence: PresenceEvent }>) => void): void;
	leave(payload: JoinPayload, ack?: (result: Ack) => void): void;
	'time:record'(payload: TimeRecordPayload, ack: (result: TimeRecordResult) => void): void;
	'absence:set'(payload: AbsenceSetPayload, ack: (result: AbsenceSetResult) => void): void;
	'visit:move-week'(
		payload: VisitMoveWeekPayload,
		ack: (result: VisitMoveWeekResult) => void
	): void;
	'week:fill'(payload: WeekFillPayload, ack: (result: WeekFillResult) => void): void;
}

export interface ServerToClientEvents {
	verdict(event: VerdictEvent): void;
	presence(event: PresenceEvent): void;
	frames(event: FramesEvent): void;
	notice(event: NoticeEvent): void;
	/** The session ended; the socket is closed right after. */
	'session:ended'(): void;
}
