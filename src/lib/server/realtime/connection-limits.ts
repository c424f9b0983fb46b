/**
 * Limits on what one session and one person may hold open (DESIGN.md §6, §7): sockets per
 * session (a tablet with several tabs, a phone), the rates all sockets of a session share,
 * distinct boards one person has open at once, and how fast one person may open boards that
 * are not loaded yet. Each loaded board costs the server memory (its doc and its team's
 * context), so a script with one login cannot make the server load hundreds of boards.
 */
import type { OverLimitReason } from '$lib/realtime/protocol';
import type { RateBudget } from './connection';
import { TokenBucket } from './rate-limit';

export interface ConnectionLimitOptions {
	/** Yjs sockets, and socket.io sockets, one session may have open at once. */
	socketsPerSession: number;
	/** Messages and bytes per second that all Yjs sockets of a session share (and bursts). */
	sessionMessageBurst: number;
	sessionMessagesPerSecond: number;
	sessionByteBurst: number;
	sessionBytesPerSecond: number;
	/** socket.io commands per session: burst and per second. */
	commandBurst: number;
	commandsPerSecond: number;
	/** Distinct boards one person may have open at once, over all their sessions. */
	boardsPerUser: number;
	/** Boards one person may cause to be loaded: burst, and per minute after it. */
	boardLoadBurst: number;
	boardLoadsPerMinute: number;
}

interface SessionEntry {
	yjs: number;
	io: number;
	budget: RateBudget;
	commands: TokenBucket;
	lastUsed: number;
}

interface UserEntry {
	boards: Map<string, number>;
	loads: TokenBucket;
	lastUsed: number;
}

/** A held place; `release` gives it back (once). */
export interface Slot {
	release(): void;
}

export type Admission<T> = { ok: true; value: T } | { ok: false; reason: OverLimitReason };

export class ConnectionLimits {
	private readonly sessions = new Map<string, SessionEntry>();
	private readonly users = new Map<string, UserEntry>();

	constructor(private readonly options: ConnectionLimitOptions) {}

	private session(sessionId: string): SessionEntry {
		let entry = this.sessions.get(sessionId);
		if (!entry) {
			const o = this.options;
			entry = {
				yjs: 0,
				io: 0,
				budget: {
					messages: new TokenBucket(o.sessionMessageBurst, o.sessionMessagesPerSecond),
					bytes: new TokenBucket(o.sessionByteBurst, o.sessionBytesPerSecond)
				},
				commands: new TokenBucket(o.commandBurst, o.commandsPerSecond),
				lastUsed: Date.now()
			};
			this.sessions.set(sessionId, entry);
		}
		entry.lastUsed = Date.now();
		return entry;
	}

	private user(userId: string): UserEntry {
		let entry = this.users.get(userId);
		if (!entry) {
			entry = {
				boards: new Map(),
				loads: new TokenBucket(this.options.boardLoadBurst, this.options.boardLoadsPerMinute / 60),
				lastUsed: Date.now()
			};
			this.users.set(userId, entry);
		}
		entry.lastUsed = Date.now();
		return entry;
	}

	/**
	 * A place for a Yjs socket of `sessionId` on `room` for `userId`. `loaded` says whether
	 * the board is in memory already; opening one that is not costs a load from the person's
	 * budget. On success the socket's session budget comes with the slot.
	 */
	admitBoard(
		sessionId: string,
		userId: string,
		room: string,
		loaded: boolean
	): Admission<Slot & { budget: RateBudget }> {
		const session = this.session(sessionId);
		const user = this.user(userId);
		if (session.yjs >= this.options.socketsPerSession) {
			return { ok: false, reason: 'too many connections' };
		}
		const newBoard = !user.boards.has(room);
		if (newBoard && user.boards.size >= this.options.boardsPerUser) {
			return { ok: false, reason: 'too many boards' };
		}
		if (!loaded && !user.loads.take()) return { ok: false, reason: 'too many boards' };
		session.yjs++;
		user.boards.set(room, (user.boards.get(room) ?? 0) + 1);
		let released = false;
		return {
			ok: true,
			value: {
				budget: session.budget,
				release: () => {
					if (released) return;
					released = true;
					session.yjs--;
					session.lastUsed = user.lastUsed = Date.now();
					const left = (user.boards.get(room) ?? 1) - 1;
					if (left > 0) user.boards.set(room, left);
					else user.boards.delete(room);
				}
			}
		};
	}

	/** A place for a socket.io socket of `sessionId`, with the session's command budget. */
	admitSocket(sessionId: string): Admission<Slot & { commands: TokenBucket }> {
		const session = this.session(sessionId);
		if (session.io >= this.options.socketsPerSession) {
			return { ok: false, reason: 'too many connections' };
		}
		session.io++;
		let released = false;
		return {
			ok: true,
			value: {
				commands: session.commands,
				release: () => {
					if (released) return;
					released = true;
					session.io--;
					session.lastUsed = Date.now();
				}
			}
		};
	}

	/**
	 * Forgets sessions and people with nothing open for `idleMs`, so the tables do not grow.
	 * Kept that long, a budget cannot be refilled by closing every socket and opening again.
	 */
	sweep(idleMs: number, now = Date.now()): void {
		for (const [id, entry] of this.sessions) {
			if (entry.yjs === 0 && entry.io === 0 && now - entry.lastUsed > idleMs) {
				this.sessions.delete(id);
			}
		}
		for (const [id, entry] of this.users) {
			if (entry.boards.size === 0 && now - entry.lastUsed > idleMs) this.users.delete(id);
		}
	}

	/** Open places, for tests and the benchmark. */
	stats(): { sessions: number; users: number } {
		return { sessions: this.sessions.size, users: this.users.size };
	}
}
