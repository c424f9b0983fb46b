/**
 * The open boards of this process. Each board doc has exactly one authoritative copy here
 * while anybody uses it; frame checks see the planned visits of every other open week of the
 * team from memory and of closed weeks from the projection.
 */
import { describeError } from './samples';
import { parseBoardRoom } from '$lib/board/schema';
import type { FramePeriodRange } from '$lib/domain/types';
import type { BoardStore } from './board-store';
import {
	estimateOf,
	externalVisitsOf,
	inPeriod,
	type TeamContext,
	type TeamContextSource
} from './context';
import {
	Room,
	RoomClosingError,
	type Logger,
	type RoomEvents,
	type RoomHost,
	type RoomOptions
} from './room';
import { Samples } from './samples';
import type { BoardWriter } from './writer';
import { NotOwnerError, soleOwnership, type Ownership } from '../cluster/ownership';

export class RoomManager implements RoomHost {
	readonly rooms = new Map<string, Room>();
	events: RoomEvents = {
		verdicts: () => {},
		refusals: () => {},
		framesChanged: () => {},
		presenceChanged: () => {},
		hasSubscribers: () => false
	};
	readonly timings = { judge: new Samples(), relay: new Samples() };
	/** Runs once after a room is first loaded (fills a new week from the base plan); never fails a load. */
	afterLoad: (room: Room) => void = () => {};
	private closing = false;
	private refreshes: Promise<unknown> = Promise.resolve();

	constructor(
		readonly store: BoardStore,
		readonly writer: BoardWriter,
		readonly contexts: TeamContextSource,
		readonly log: Logger,
		readonly options: RoomOptions,
		/** Which process judges which team's boards; this one alone by default. */
		readonly ownership: Ownership = soleOwnership
	) {
		// The locks went with their connection: another process may judge these boards now.
		ownership.onLost(() => {
			for (const room of [...this.rooms.values()]) room.fail(new Error('board authority lost'));
		});
	}

	claim(teamId: string): Promise<void> {
		return this.ownership.claim(teamId);
	}

	/** The open room `name`, loading it first when needed. */
	async acquire(name: string): Promise<Room> {
		for (;;) {
			if (this.closing) throw new Error('realtime is shutting down');
			let room = this.rooms.get(name);
			if (!room) {
				const parsed = parseBoardRoom(name);
				if (!parsed) throw new Error(`not a board room: ${name}`);
				room = new Room(name, parsed.teamId, parsed.week, this);
				this.rooms.set(name, room);
				const loading = room;
				loading.ready.then(
					() => {
						try {
							this.afterLoad(loading);
						} catch (error) {
							this.log.warn('after-load hook failed', { room: name, error: describeError(error) });
						}
					},
					(error) => {
						if (!(error instanceof NotOwnerError)) {
							this.log.error('board could not be loaded', {
								room: name,
								error: describeError(error)
							});
						}
						loading.fail(error);
					}
				);
			}
			await room.ready;
			if (room.state === 'open') return room;
			await room.closed;
		}
	}

	/** Runs `fn` in the room's queue with fresh context, reopening a room that was unloading. */
	async withRoom<T>(
		name: string,
		fn: (room: Room, ctx: TeamContext) => T | Promise<T>,
		opts: { freshContext?: boolean } = {}
	): Promise<T> {
		for (;;) {
			const room = await this.acquire(name);
			try {
				if (opts.freshContext) room.invalidateContext();
				return await room.exclusive((ctx) => fn(room, ctx));
			} catch (error) {
				if (!(error instanceof RoomClosingError)) throw error;
			}
		}
	}

	plannedElsewhere(
		ctx: TeamContext,
		roomName: string,
		clientId: string,
		period: FramePeriodRange,
		excludeId: string | null = null
	): number {
		let sum = 0;
		const loaded = new Set<string>();
		for (const room of this.rooms.values()) {
			if (room.teamId !== ctx.teamId || room.name === roomName || !room.authority) continue;
			loaded.add(room.name);
			sum += room.plannedMinutes(ctx, clientId, period, excludeId);
		}
		for (const v of externalVisitsOf(ctx, clientId)) {
			if (v.room === roomName || loaded.has(v.room)) continue;
			if (v.id !== excludeId && inPeriod(v.date, period)) sum += estimateOf(ctx, v);
		}
		return sum;
	}

	backgroundRefresh<T>(load: () => Promise<T>): Promise<T> {
		const run = this.refreshes.then(load);
		this.refreshes = run.catch(() => {});
		return run;
	}

	roomClosed(room: Room): void {
		if (this.rooms.get(room.name) !== room) return;
		this.rooms.delete(room.name);
		if (![...this.rooms.values()].some((r) => r.teamId === room.teamId)) {
			this.ownership.release(room.teamId).catch(() => {});
		}
		// Its visits now count from the projection, which the others' context may predate.
		for (const other of this.rooms.values()) {
			if (other.teamId === room.teamId) other.invalidateContext();
		}
	}

	/** Makes every open board of `teamId` (or all) judge the next change on fresh data. */
	invalidate(teamId?: string): void {
		for (const room of this.rooms.values()) {
			if (!teamId || room.teamId === teamId) room.invalidateContext();
		}
	}

	/** Closes every connection of a session that ended. */
	closeSession(sessionId: string, code: number): void {
		for (const room of this.rooms.values()) {
			for (const conn of [...room.connections]) {
				if (conn.actor.sessionId === sessionId) conn.close(code, 'session ended');
			}
		}
	}

	/** Unloads every room after persisting it; with `hard`, drops them as a crash would. */
	async close(opts: { hard?: boolean } = {}): Promise<void> {
		this.closing = true;
		const rooms = [...this.rooms.values()];
		if (opts.hard) {
			for (const room of rooms) room.abandon();
			return;
		}
		await Promise.all(rooms.map((room) => room.unload()));
		await this.writer.flush();
		await this.refreshes;
	}
}

export type { Room, Logger, RoomOptions, BoardStore };
