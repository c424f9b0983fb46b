/**
 * Where board docs live between server processes (DESIGN.md §6): an append-only log of Yjs
 * updates per room, compacted now and then into a snapshot, plus the relational projection
 * of planned visits and the audit rows of each change. The updates and audit rows of a write
 * are committed together; its projection rows in a commit of their own right after
 * (`writer.ts`). The in-memory store here and the Drizzle store in
 * `board-store.postgres.ts` pass the same contract suite.
 */
import type { DayPart, IsoDate, VisitStatus } from '$lib/domain/types';

/** One `planned_visit` row: a visit as the frame checks and reports query it. */
export interface PlannedVisitRow {
	id: string;
	organisationId: string;
	teamId: string;
	clientId: string;
	room: string;
	date: IsoDate;
	dayPart: DayPart;
	minutes: number;
	status: VisitStatus;
	services: string[];
	assignees: string[];
}

/** One `audit_log` row of action `change` (HSLF-FS 2016:40: unit, when, who, client, device). */
export interface BoardAuditRow {
	organisationId: string;
	unitId: string | null;
	staffId: string | null;
	clientId: string | null;
	device: string;
	detail: Record<string, unknown>;
}

/** Everything one accepted change of one room writes, committed together. */
export interface BoardWrite {
	room: string;
	/** Yjs updates (v1) in the order they were applied: the client's, then any compensation. */
	updates: Uint8Array[];
	/** Visits whose projection row is inserted or replaced. */
	upserts: PlannedVisitRow[];
	/** Visits no longer on this room's board; only rows still in this room are removed. */
	removals: string[];
	audit: BoardAuditRow[];
}

export interface StoredBoard {
	/** The compacted state, if the room was ever compacted. */
	snapshot: Uint8Array | null;
	/** Updates after the snapshot, oldest first. */
	updates: Uint8Array[];
	/** Id of the newest update contained in snapshot + updates (0 when there is none). */
	lastId: number;
}

export interface BoardStore {
	load(room: string): Promise<StoredBoard>;
	/**
	 * Commits every write in one transaction and returns, per write, the id of its last update
	 * (or 0 when it had none). Either all of them are durable when the promise resolves, or it
	 * rejects and none is.
	 */
	append(writes: BoardWrite[]): Promise<number[]>;
	/**
	 * Replaces the room's snapshot with `data`, which contains every update with id ≤ `upToId`,
	 * and drops those updates from the log.
	 */
	compact(room: string, data: Uint8Array, upToId: number): Promise<void>;
	/** Projection rows of `ids` that belong to another room than `room` (ids reused elsewhere). */
	visitsElsewhere(room: string, ids: string[]): Promise<Map<string, string>>;
	/** The projection rows of `room`, and those of `ids` (UUIDs) on whatever board they are. */
	projectionRows(room: string, ids: string[]): Promise<PlannedVisitRow[]>;
	/** True when the room has ever stored anything: a snapshot or an update. */
	exists(room: string): Promise<boolean>;
	/** Makes the room exist (as an empty board) if it does not yet; what it holds is kept. */
	create(room: string): Promise<void>;
}

/** An empty board, as `create` stores it. */
export const EMPTY_BOARD = new Uint8Array([0, 0]);

/**
 * A store in process memory, for tests and benchmarks. Rows are copied in and out so a caller
 * holding a buffer cannot change what was "committed".
 */
export class MemoryBoardStore implements BoardStore {
	private nextId = 1;
	private readonly logs = new Map<string, { id: number; data: Uint8Array }[]>();
	private readonly snapshots = new Map<string, { data: Uint8Array; upToId: number }>();
	readonly projection = new Map<string, PlannedVisitRow>();
	readonly audit: (BoardAuditRow & { action: 'change'; at: Date })[] = [];
	/** Set to make the next `append` fail, to test what a failed commit does. */
	failNextAppend: Error | null = null;

	async load(room: string): Promise<StoredBoard> {
		const snapshot = this.snapshots.get(room);
		const updates = (this.logs.get(room) ?? []).filter((u) => u.id > (snapshot?.upToId ?? 0));
		return {
			snapshot: snapshot ? snapshot.data.slice() : null,
			updates: updates.map((u) => u.data.slice()),
			lastId: Math.max(snapshot?.upToId ?? 0, updates.at(-1)?.id ?? 0)
		};
	}

	async append(writes: BoardWrite[]): Promise<number[]> {
		await Promise.resolve();
		if (this.failNextAppend) {
			const error = this.failNextAppend;
			this.failNextAppend = null;
			throw error;
		}
		return writes.map((write) => {
			let last = 0;
			const log = this.logs.get(write.room) ?? [];
			this.logs.set(write.room, log);
			for (const data of write.updates) {
				last = this.nextId++;
				log.push({ id: last, data: data.slice() });
			}
			for (const row of write.upserts) {
				this.projection.set(row.id, {
					...row,
					services: [...row.services],
					assignees: [...row.assignees]
				});
			}
			for (const id of write.removals) {
				if (this.projection.get(id)?.room === write.room) this.projection.delete(id);
			}
			for (const row of write.audit) {
				this.audit.push({ ...row, action: 'change', at: new Date() });
			}
			return last;
		});
	}

	async compact(room: string, data: Uint8Array, upToId: number): Promise<void> {
		await Promise.resolve();
		const current = this.snapshots.get(room);
		if (current && current.upToId > upToId) return;
		this.snapshots.set(room, { data: data.slice(), upToId });
		this.logs.set(
			room,
			(this.logs.get(room) ?? []).filter((u) => u.id > upToId)
		);
	}

	async visitsElsewhere(room: string, ids: string[]): Promise<Map<string, string>> {
		const result = new Map<string, string>();
		for (const id of ids) {
			const row = this.projection.get(id);
			if (row && row.room !== room) result.set(id, row.room);
		}
		return result;
	}

	async projectionRows(room: string, ids: string[]): Promise<PlannedVisitRow[]> {
		await Promise.resolve();
		const wanted = new Set(ids);
		return [...this.projection.values()]
			.filter((row) => row.room === room || wanted.has(row.id))
			.map((row) => ({ ...row, services: [...row.services], assignees: [...row.assignees] }));
	}

	async exists(room: string): Promise<boolean> {
		await Promise.resolve();
		return this.snapshots.has(room) || (this.logs.get(room)?.length ?? 0) > 0;
	}

	async create(room: string): Promise<void> {
		if (!(await this.exists(room))) await this.compact(room, EMPTY_BOARD, 0);
	}

	/** Number of updates in the log of `room` (after its snapshot). */
	logLength(room: string): number {
		return (this.logs.get(room) ?? []).length;
	}
}
