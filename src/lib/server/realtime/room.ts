/**
 * One open board: the authoritative Y.Doc of a team's week, its y-websocket connections and
 * awareness, and the pipeline every change goes through — judge, compensate, commit, relay.
 *
 * All work on the doc runs in one queue per room, so a change is judged against exactly the
 * state it was applied to. Sends to the connections run in a second queue that waits for
 * each change's commit, so no peer ever sees an update that a crash could lose (§6), and
 * every peer sees changes in the order they were applied.
 */
import { describeError } from './samples';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import {
	applyAwarenessUpdate,
	Awareness,
	encodeAwarenessUpdate,
	removeAwarenessStates
} from 'y-protocols/awareness';
import type { FramePeriodRange } from '$lib/domain/types';
import { UUID_PATTERN, readAbsences, replaceAbsences, type BoardVisit } from '$lib/board';
import type { FrameRow } from '$lib/realtime/protocol';
import { CLOSE_CODES } from '$lib/realtime/protocol';
import type { SessionUser } from '../auth/session';
import { BoardAuthority, type Judge, type Settled } from './authority';
import { BoardSize, limitedJudge } from './board-limits';
import type { BoardStore, BoardWrite } from './board-store';
import { BoardWriteBuilder, changedFrameClients } from './board-write';
import { YConnection, ownPresence, type ConnectionRates, type RateBudget } from './connection';
import type { TeamContext, TeamContextSource } from './context';
import { boardFrameRows, boardJudge, plannedOnBoard, type BoardFrameSource } from './room-frames';
import { NotOwnerError } from '../cluster/ownership';
import { LayoutGuard, type LimitRefusal } from './layout-guard';
import type { Samples } from './samples';
import { checkIncomingUpdate } from './update-check';
import type { BoardWriter, Written } from './writer';
import { repairProjection } from './projection-repair';
import {
	awarenessMessage,
	MalformedMessage,
	parseMessage,
	syncStep1Message,
	syncStep2Message,
	updateMessage
} from './yjs-protocol';

export interface Logger {
	info(message: string, data?: Record<string, unknown>): void;
	warn(message: string, data?: Record<string, unknown>): void;
	error(message: string, data?: Record<string, unknown>): void;
}

/** Who is behind a connection or a command. */
export interface Actor {
	user: SessionUser;
	sessionId: string;
	/** The device for the audit log: its user agent, or `board`. */
	device: string;
	/** On a team tablet: the person who unlocked it with their PIN; the audit log names them. */
	actingStaffId?: string;
}

export interface RoomOptions extends ConnectionRates {
	/** Context older than this is refreshed in the background while the old one is used. */
	contextTtlMs: number;
	/** Context older than this is reloaded before the next change is judged. */
	contextMaxAgeMs: number;
	/** Updates, or bytes of updates, in the log before the room is compacted into a snapshot. */
	compactEvery: number;
	compactBytes: number;
	/** An unused room is unloaded after this long. */
	idleMs: number;
	/** The board's size bounds in bytes (BOARD_LIMITS.bytes and hardBytes). */
	boardBytes: number;
	boardHardBytes: number;
	/** A connection that lets this much pile up unsent is too slow and is closed. */
	maxBufferedBytes: number;
	/** A change by the same person to the same visit within this time shares one audit row. */
	auditCoalesceMs: number;
}

export interface RoomEvents {
	verdicts(room: Room, author: Actor, settled: Settled, ctx: TeamContext): void;
	/** Changes outside the visits undone for a bound or the layout, or a board that is full. */
	refusals(room: Room, author: Actor, refusals: LimitRefusal[]): void;
	framesChanged(room: Room, clientIds: string[]): void;
	presenceChanged(room: Room): void;
	/** True while some socket.io client follows the room (keeps it loaded). */
	hasSubscribers(room: string): boolean;
}

export interface RoomHost {
	store: BoardStore;
	writer: BoardWriter;
	contexts: TeamContextSource;
	log: Logger;
	options: RoomOptions;
	events: RoomEvents;
	/** Minutes of `clientId` planned in `period` on boards other than `room`. */
	plannedElsewhere(
		ctx: TeamContext,
		room: string,
		clientId: string,
		period: FramePeriodRange,
		excludeId?: string | null
	): number;
	/** Server-side timings: receipt → judged, and receipt → relayed (after the commit). */
	timings: { judge: Samples; relay: Samples };
	/** Runs a background context refresh when no other board is refreshing. */
	backgroundRefresh<T>(load: () => Promise<T>): Promise<T>;
	/** Makes this process the team's authority, or throws NotOwnerError (cluster/ownership). */
	claim(teamId: string): Promise<void>;
	/** Called once the room is unloaded (or failed) and must no longer be handed out. */
	roomClosed(room: Room): void;
}

type RoomState = 'loading' | 'open' | 'closing' | 'closed';

export class Room {
	readonly doc = new Y.Doc();
	readonly awareness = new Awareness(this.doc);
	readonly connections = new Set<YConnection>();
	authority!: BoardAuthority;
	/** Signals, huddle and everything else outside the visits, and the board's size. */
	guard!: LayoutGuard;
	size!: BoardSize;
	state: RoomState = 'loading';
	/** Resolves once the room is loaded (rejects when it cannot be). */
	readonly ready: Promise<void>;
	/** Resolves once the room is unloaded. */
	readonly closed: Promise<void>;
	private resolveClosed!: () => void;
	private tasks: Promise<unknown> = Promise.resolve();
	private sends: Promise<void> = Promise.resolve();
	private ctx: TeamContext | null = null;
	private ctxLoading: Promise<TeamContext> | null = null;
	/** Refresh interval with jitter, so boards opened together do not refresh together. */
	private readonly refreshAfterMs: number;
	private mirroredFrom: TeamContext | null = null;
	private lastCommittedId = 0;
	private updatesSinceCompaction = 0;
	private bytesSinceCompaction = 0;
	private compacting = false;
	private idleTimer: ReturnType<typeof setTimeout> | null = null;
	private readonly writes: BoardWriteBuilder;
	/** Commands in flight that keep the room from unloading. */
	private holds = 0;
	/** The projection commit of the room's last write (they complete in order). */
	private projected: Promise<void> = Promise.resolve();
	/** Figures for the benchmark and tests. */
	readonly stats = { updates: 0, refused: 0, verdicts: 0 };

	constructor(
		readonly name: string,
		readonly teamId: string,
		readonly week: string,
		private readonly host: RoomHost
	) {
		this.refreshAfterMs = host.options.contextTtlMs * (0.75 + Math.random() * 0.5);
		this.writes = new BoardWriteBuilder(name, host.options.auditCoalesceMs);
		this.awareness.setLocalState(null);
		this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
		this.awareness.on(
			'update',
			(
				{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
				origin: unknown
			) => {
				const changedIds = [...added, ...updated, ...removed];
				if (origin instanceof YConnection) {
					for (const id of [...added, ...updated]) origin.awarenessIds.add(id);
					for (const id of removed) origin.awarenessIds.delete(id);
				}
				const message = awarenessMessage(encodeAwarenessUpdate(this.awareness, changedIds));
				for (const conn of this.connections) conn.send(message, this.host.options.maxBufferedBytes);
			}
		);
		this.ready = this.enqueue(() => this.load());
		this.ready.catch(() => {});
	}

	/** The context the room judged with last (undefined before it loaded). */
	get currentContext(): TeamContext | undefined {
		return this.ctx ?? undefined;
	}

	/**
	 * The team context as of now. A context older than the refresh interval is used while a
	 * fresh one loads in the background (one board at a time, so refreshes never crowd out
	 * commits); one older than the maximum age, or invalidated, is reloaded before use.
	 */
	async context(): Promise<TeamContext> {
		const { contextMaxAgeMs } = this.host.options;
		const age = this.ctx ? Date.now() - this.ctx.loadedAt : Infinity;
		if (this.ctx && age <= this.refreshAfterMs) return this.ctx;
		const load = () =>
			this.host.contexts.load(this.teamId, this.week, this.name).then((ctx) => {
				if (!ctx) throw new Error('the board has no team');
				this.ctx = ctx;
				return ctx;
			});
		if (this.ctx && age <= contextMaxAgeMs) {
			if (!this.ctxLoading) {
				const refresh = this.host.backgroundRefresh(load);
				this.ctxLoading = refresh;
				refresh
					.catch((error) =>
						this.host.log.warn('board context refresh failed', { error: describeError(error) })
					)
					.finally(() => {
						if (this.ctxLoading === refresh) this.ctxLoading = null;
					});
			}
			return this.ctx;
		}
		const reload = load();
		this.ctxLoading = reload;
		reload.then(
			() => {
				if (this.ctxLoading === reload) this.ctxLoading = null;
			},
			() => {
				if (this.ctxLoading === reload) this.ctxLoading = null;
			}
		);
		return reload;
	}

	/** Drops the cached context, so the next change is judged on fresh data. */
	invalidateContext(): void {
		if (this.ctx) this.ctx = { ...this.ctx, loadedAt: 0 };
	}

	/** Runs `fn` in the room's queue, after everything queued before it. */
	enqueue<T>(fn: () => T | Promise<T>): Promise<T> {
		const run = this.tasks.then(fn);
		this.tasks = run.catch(() => {});
		return run;
	}

	private async load(): Promise<void> {
		await this.host.claim(this.teamId);
		const stored = await this.host.store.load(this.name);
		Y.transact(
			this.doc,
			() => {
				if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
				for (const update of stored.updates) Y.applyUpdate(this.doc, update);
			},
			'storage'
		);
		if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
			this.host.log.warn('stored board has gaps; clients will fill them on sync', {
				room: this.name
			});
		}
		this.lastCommittedId = stored.lastId;
		this.updatesSinceCompaction = stored.updates.length;
		this.bytesSinceCompaction = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
		this.authority = new BoardAuthority(this.doc);
		this.guard = new LayoutGuard(this.doc, this.week);
		this.size = new BoardSize(this.doc, {
			bytes: this.host.options.boardBytes,
			hardBytes: this.host.options.boardHardBytes
		});
		const ctx = await this.context();
		await repairProjection(this.host, this.name, ctx, this.authority.accepted);
		this.mirrorAbsences(ctx);
		this.state = 'open';
		this.scheduleIdleCheck();
	}

	/** Keeps the board's absences equal to the absence table (call inside the queue). */
	private mirrorAbsences(ctx: TeamContext): void {
		if (this.mirroredFrom === ctx) return;
		this.mirroredFrom = ctx;
		if (sameAbsences(readAbsences(this.doc), ctx.absences)) return;
		this.commitServerChange(() => replaceAbsences(this.doc, ctx.absences), null, ctx);
	}

	/** Adds a connection; `budget` is the rate limit it shares with its session's others. */
	addConnection(ws: WebSocket, actor: Actor, budget?: RateBudget): YConnection {
		const conn = new YConnection(ws, actor, this, this.host.options, budget);
		this.connections.add(conn);
		this.cancelIdle();
		ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(conn, data, isBinary));
		ws.on('close', () => conn.close(1000, 'closed'));
		ws.on('error', () => conn.close(1011, 'error'));
		void this.enqueue(() => {
			if (conn.closed) return;
			// Ask the client for what it has that the server lacks (offline work).
			conn.send(syncStep1Message(this.doc), this.host.options.maxBufferedBytes);
			const states = [...this.awareness.getStates().keys()];
			if (states.length > 0) {
				conn.send(
					awarenessMessage(encodeAwarenessUpdate(this.awareness, states)),
					this.host.options.maxBufferedBytes
				);
			}
		});
		this.host.events.presenceChanged(this);
		return conn;
	}

	removeConnection(conn: YConnection): void {
		if (!this.connections.delete(conn)) return;
		if (conn.awarenessIds.size > 0) {
			removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
		}
		this.host.events.presenceChanged(this);
		this.scheduleIdleCheck();
	}

	private receive(conn: YConnection, data: Buffer, isBinary: boolean): void {
		if (conn.closed) return;
		if (!isBinary) return conn.close(CLOSE_CODES.malformed, 'binary frames only');
		if (!conn.admit(data.byteLength)) return conn.close(CLOSE_CODES.policy, 'rate limit');
		let message;
		try {
			message = parseMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
		} catch (error) {
			if (error instanceof MalformedMessage) return conn.close(CLOSE_CODES.malformed, 'malformed');
			throw error;
		}
		switch (message.kind) {
			case 'awareness':
				try {
					const own = ownPresence(message.update, conn, this.connections);
					if (own) applyAwarenessUpdate(this.awareness, own, conn);
				} catch {
					conn.close(CLOSE_CODES.malformed, 'malformed awareness');
				}
				return;
			case 'query-awareness': {
				const states = [...this.awareness.getStates().keys()];
				conn.send(
					awarenessMessage(encodeAwarenessUpdate(this.awareness, states)),
					this.host.options.maxBufferedBytes
				);
				return;
			}
			case 'sync-step-1': {
				const stateVector = message.stateVector;
				void this.enqueue(() => {
					if (this.state !== 'open' && this.state !== 'closing') return;
					const diff = Y.encodeStateAsUpdate(this.doc, stateVector);
					// Everything in `diff` was applied before now, so it is committed once the
					// sends queued so far have gone out.
					void this.afterCommits(null, () => conn.send(syncStep2Message(diff), this.maxBuffered));
				});
				return;
			}
			case 'update': {
				const update = message.update;
				const receivedAt = performance.now();
				void this.enqueue(() => this.handleUpdate(conn, update, receivedAt)).catch((error) =>
					this.fail(error)
				);
				return;
			}
		}
	}

	private get maxBuffered() {
		return this.host.options.maxBufferedBytes;
	}

	/** Judges one client update: the heart of the authority. */
	private async handleUpdate(
		conn: YConnection,
		update: Uint8Array,
		receivedAt: number
	): Promise<void> {
		if (this.state !== 'open' && this.state !== 'closing') return;
		const ctx = await this.context();
		this.mirrorAbsences(ctx);
		const check = checkIncomingUpdate(this.doc, update);
		if (!check.ok) {
			conn.close(
				check.reason === 'malformed' ? CLOSE_CODES.malformed : CLOSE_CODES.policy,
				check.reason
			);
			return;
		}
		const standing = this.size.standing(update.byteLength);
		if (standing === 'closed') {
			conn.close(CLOSE_CODES.boardFull, 'board full');
			this.host.events.refusals(this, conn.actor, [
				{ about: 'board', id: '', reason: 'board-full' }
			]);
			return;
		}
		let watched;
		try {
			watched = this.guard.watch(conn, () => this.authority.apply(update, conn));
		} catch (error) {
			// Yjs failed half-way through a decodable update: the doc can no longer be trusted.
			conn.close(CLOSE_CODES.malformed, 'malformed');
			throw error;
		}
		const applied = watched.result;
		if (!applied.update && applied.touched.size === 0) return;
		const layout = this.guard.settle(watched.touched, { full: standing === 'full' });
		// `apply` leaves the accepted states alone: these are the visits' states before it.
		const before = new Map<string, BoardVisit>();
		for (const id of applied.touched) {
			const previous = this.authority.accepted.get(id);
			if (previous) before.set(id, previous);
		}
		// Ids that are not UUIDs are removed as malformed anyway; the database takes only UUIDs.
		const newIds = applied.newIds.filter((id) => UUID_PATTERN.test(id));
		const foreign =
			newIds.length > 0
				? new Set((await this.host.store.visitsElsewhere(this.name, newIds)).keys())
				: undefined;
		const judge = limitedJudge(this.judge(ctx), {
			full: standing === 'full',
			accepted: this.authority.accepted
		});
		const judged = this.authority.settle(applied, judge, { foreign, absences: ctx.absences });
		const compensations = [judged.compensation, layout.compensation].filter((u) => u !== null);
		const settled: Settled = {
			...judged,
			compensation: compensations.length > 1 ? Y.mergeUpdates(compensations) : compensations[0]
		};
		this.stats.updates++;
		if (settled.verdicts.length > 0 || layout.refusals.length > 0) this.stats.refused++;

		const updates = [applied.update, settled.compensation].filter((u): u is Uint8Array => !!u);
		const write = this.writes.build(ctx, updates, settled.changed, before, conn.actor, settled);
		const written = this.commit(write);
		const framesFor = changedFrameClients(settled.changed, before);
		const judgedAt = performance.now();
		this.host.timings.judge.add(judgedAt - receivedAt);
		const relayed = this.afterCommits(written.committed, () => {
			this.host.timings.relay.add(performance.now() - receivedAt);
			const toPeers =
				applied.update && settled.compensation
					? Y.mergeUpdates([applied.update, settled.compensation])
					: (applied.update ?? settled.compensation);
			if (toPeers) {
				const message = updateMessage(toPeers);
				for (const peer of this.connections) {
					if (peer !== conn) peer.send(message, this.maxBuffered);
				}
			}
			if (settled.compensation) conn.send(updateMessage(settled.compensation), this.maxBuffered);
			if (settled.verdicts.length > 0) {
				this.stats.verdicts += settled.verdicts.length;
				this.host.events.verdicts(this, conn.actor, settled, ctx);
			}
			if (layout.refusals.length > 0) this.host.events.refusals(this, conn.actor, layout.refusals);
		});
		// A failure has failed the room already.
		this.afterProjection(relayed, written, framesFor).catch(() => {});
	}

	/**
	 * Applies a change of the server's own (a command) and commits and relays it like any
	 * other; resolves once it is committed.
	 */
	commitServerChange(
		fn: () => void,
		actor: Actor | null,
		ctx: TeamContext
	): { changed: Map<string, BoardVisit | null>; committed: Promise<void> } {
		const { update, changed, before } = this.authority.change(fn);
		if (!update) return { changed, committed: Promise.resolve() };
		const write = this.writes.build(ctx, [update], changed, before, actor, null);
		const written = this.commit(write);
		const framesFor = changedFrameClients(changed, before);
		const relayed = this.afterCommits(written.committed, () => {
			const message = updateMessage(update);
			for (const peer of this.connections) peer.send(message, this.maxBuffered);
		});
		const committed = this.afterProjection(relayed, written, framesFor);
		// A failure fails the room; a caller that does not wait must not crash the process.
		committed.catch(() => {});
		return { changed, committed };
	}

	/** Runs `fn` in the room's queue with a fresh context; the room stays loaded meanwhile. */
	async exclusive<T>(fn: (ctx: TeamContext) => T | Promise<T>): Promise<T> {
		this.holds++;
		this.cancelIdle();
		try {
			await this.ready;
			return await this.enqueue(async () => {
				if (this.state !== 'open') throw new RoomClosingError();
				const ctx = await this.context();
				this.mirrorAbsences(ctx);
				return fn(ctx);
			});
		} finally {
			this.holds--;
			this.scheduleIdleCheck();
		}
	}

	/** The rules, as this room applies them right now. */
	judge(ctx: TeamContext): Judge {
		return boardJudge(this.frames, ctx);
	}

	/** Estimates the client's visits on this board hold in `period` (planned, or done unreported). */
	plannedMinutes(
		ctx: TeamContext,
		clientId: string,
		period: FramePeriodRange,
		excludeId: string | null
	): number {
		return plannedOnBoard(this.frames, ctx, clientId, period, excludeId);
	}

	/** The client's frame figures for every frame period the board's week touches. */
	frameRows(ctx: TeamContext, clientId: string): FrameRow[] {
		return boardFrameRows(this.frames, ctx, clientId);
	}

	/** What the frame figures need to know of this board. */
	private get frames(): BoardFrameSource {
		return {
			name: this.name,
			week: this.week,
			visits: () => this.authority?.accepted.values() ?? [],
			plannedElsewhere: (...args) => this.host.plannedElsewhere(...args)
		};
	}

	/** Hands a write to the group commit and counts what it adds to the log and the doc. */
	private commit(write: BoardWrite): Written {
		const bytes = write.updates.reduce((sum, u) => sum + u.byteLength, 0);
		this.bytesSinceCompaction += bytes;
		this.size.grew(bytes);
		const written = this.host.writer.write(write);
		this.projected = written.projected;
		return written;
	}

	/**
	 * Once the change is relayed and its projection committed, sends the frame figures it
	 * moved, so a device never sees figures the reports do not have yet.
	 */
	private async afterProjection(
		relayed: Promise<void>,
		written: Written,
		framesFor: string[]
	): Promise<void> {
		await relayed;
		try {
			await written.projected;
		} catch (error) {
			this.fail(error);
			throw error;
		}
		if (framesFor.length > 0 && this.state !== 'closed') {
			this.host.events.framesChanged(this, framesFor);
		}
	}

	/**
	 * Queues `send` to run once `commit` (and every commit queued before it) is durable. A
	 * failed commit fails the room: its doc holds a change nobody may see.
	 */
	private afterCommits(commit: Promise<number> | null, send: () => void): Promise<void> {
		const step = this.sends.then(async () => {
			if (commit) {
				const id = await commit;
				this.lastCommittedId = Math.max(this.lastCommittedId, id);
				this.updatesSinceCompaction++;
			}
			if (this.state === 'closed') return;
			send();
		});
		this.sends = step.catch((error) => this.fail(error));
		const { compactEvery, compactBytes } = this.host.options;
		if (
			commit &&
			(this.updatesSinceCompaction >= compactEvery ||
				// Rewriting the board costs its size: wait for at least as much in the log.
				this.bytesSinceCompaction >= Math.max(compactBytes, this.size.estimate))
		) {
			void this.sends.then(() => this.compact());
		}
		return step;
	}

	/**
	 * Writes the whole doc as a snapshot and drops the updates it contains. The doc is read in
	 * the queue, between changes, so a snapshot never holds a change not yet judged.
	 */
	async compact(): Promise<void> {
		if (this.compacting || this.state === 'closed' || this.updatesSinceCompaction === 0) return;
		this.compacting = true;
		try {
			await this.sends;
			const count = this.updatesSinceCompaction;
			const bytes = this.bytesSinceCompaction;
			const { data, upToId } = await this.enqueue(() => {
				const data = Y.encodeStateAsUpdate(this.doc);
				this.size.measuredAs(data.byteLength);
				return { data, upToId: this.lastCommittedId };
			});
			await this.host.store.compact(this.name, data, upToId);
			this.updatesSinceCompaction = Math.max(0, this.updatesSinceCompaction - count);
			this.bytesSinceCompaction = Math.max(0, this.bytesSinceCompaction - bytes);
		} catch (error) {
			this.host.log.warn('board compaction failed', {
				room: this.name,
				error: describeError(error)
			});
		} finally {
			this.compacting = false;
		}
	}

	private cancelIdle(): void {
		if (this.idleTimer) clearTimeout(this.idleTimer);
		this.idleTimer = null;
	}

	/** Unloads the room once nobody has used it for `idleMs`. */
	scheduleIdleCheck(): void {
		this.cancelIdle();
		if (this.state !== 'open' || !this.idle()) return;
		this.idleTimer = setTimeout(() => {
			this.idleTimer = null;
			if (this.idle()) void this.unload();
		}, this.host.options.idleMs);
		this.idleTimer.unref?.();
	}

	private idle(): boolean {
		return (
			this.connections.size === 0 && this.holds === 0 && !this.host.events.hasSubscribers(this.name)
		);
	}

	/** Persists what is pending, compacts, and closes the room. */
	async unload(code: number = CLOSE_CODES.goingAway): Promise<void> {
		if (this.state === 'closing' || this.state === 'closed') return this.closed;
		this.state = 'closing';
		this.cancelIdle();
		for (const conn of [...this.connections]) conn.close(code, 'board unloaded');
		try {
			await this.tasks;
			await this.sends;
			await this.projected.catch(() => {});
			await this.compact();
		} finally {
			this.finish();
		}
	}

	/** Stops at once without persisting anything more: what a crash would leave. */
	abandon(): void {
		this.state = 'closing';
		for (const conn of [...this.connections]) {
			conn.closed = true;
			conn.ws.terminate();
		}
		this.finish();
	}

	fail(error: unknown): void {
		if (this.state === 'closed') return;
		if (!(error instanceof NotOwnerError)) {
			this.host.log.error('board failed; clients will reload it', {
				room: this.name,
				error: describeError(error)
			});
		}
		for (const conn of [...this.connections]) conn.close(1011, 'board failed');
		this.finish();
	}

	private finish(): void {
		if (this.state === 'closed') return;
		this.state = 'closed';
		this.cancelIdle();
		this.awareness.destroy();
		this.host.roomClosed(this);
		this.resolveClosed();
	}
}

function sameAbsences(a: TeamContext['absences'], b: TeamContext['absences']): boolean {
	const flat = (value: TeamContext['absences']) =>
		Object.entries(value)
			.flatMap(([staffId, days]) =>
				Object.entries(days).map(([date, v]) => `${staffId}|${date}|${String(v)}`)
			)
			.sort()
			.join(',');
	return flat(a) === flat(b);
}

/** The room began to unload; the caller opens it again. */
export class RoomClosingError extends Error {
	constructor() {
		super('board is closing');
	}
}
