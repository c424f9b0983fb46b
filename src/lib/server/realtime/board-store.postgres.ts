/**
 * The board store on PostgreSQL (or the embedded PGlite) through Drizzle. Each `append` is
 * one transaction with PostgreSQL's default synchronous commit: when it resolves, what its
 * writes hold (updates, projection rows, audit rows) is on disk together.
 */
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { and, asc, eq, getTableColumns, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, boardSnapshot, boardUpdate, plannedVisit } from '../db/schema';
import {
	EMPTY_BOARD,
	type BoardStore,
	type BoardWrite,
	type PlannedVisitRow,
	type StoredBoard
} from './board-store';
import { rowsOf } from '../db/rows';
import { parseBoardRoom } from '$lib/board/schema';
import type { BoardFence } from '../cluster/ownership';
import { LOCK_NAMESPACE, teamKey } from '../cluster/lock-key';

/** postgres.js hands bytea back as a Buffer, PGlite as a Uint8Array: give Yjs a plain view. */
const bytes = (data: Uint8Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * Snapshots are stored compressed, behind this prefix: a real board shrinks about five times,
 * and (de)compressing runs off the event loop, so writing a large board no longer holds up
 * every other board while the embedded database copies it (PGlite runs in the server's own
 * thread). No Yjs update starts with these bytes (they would announce 2^28 clients), so
 * snapshots stored uncompressed before still load.
 */
const PACKED = [0xff, 0xff, 0xff, 0x7f];
const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

async function pack(data: Uint8Array): Promise<Uint8Array> {
	const packed = await deflate(data, { level: 1 });
	const out = new Uint8Array(PACKED.length + packed.byteLength);
	out.set(PACKED);
	out.set(packed, PACKED.length);
	return out;
}

async function unpack(data: Uint8Array): Promise<Uint8Array> {
	if (!PACKED.every((b, i) => data[i] === b)) return data;
	return bytes(await inflate(data.subarray(PACKED.length)));
}

/** An error's message with its causes' (Drizzle wraps the database's error). */
const messagesOf = (error: unknown): string =>
	error instanceof Error ? `${error.message} ${messagesOf(error.cause)}` : '';

/** A board write refused because this process no longer holds its team's authority. */
export class AuthorityLostError extends Error {
	constructor() {
		super('board authority lost');
	}
}

export class PostgresBoardStore implements BoardStore {
	/**
	 * With `fence` (several processes), a write commits only while the lock session named by
	 * the fence still holds the advisory lock of every team in it: a process that lost its
	 * lock connection can no longer write beside the process that took its boards over.
	 */
	constructor(
		private readonly db: Db,
		private readonly fence: BoardFence | null = null
	) {}

	/** The first CTE of a fenced write and the number of team locks it must find. */
	private fenceOf(writes: BoardWrite[]): { cte: SQL; locks: number } | null {
		if (!this.fence) return null;
		const pid = this.fence.lockPid();
		if (pid === null) throw new AuthorityLostError();
		const keys = new Set<number>();
		for (const w of writes) keys.add(teamKey(parseBoardRoom(w.room)?.teamId ?? w.room));
		// The keys are integers computed here, not input: written into the statement as they are.
		const cte = sql`f as (select count(*)::int as held from pg_locks
			where locktype = 'advisory' and granted and pid = ${pid}
				and classid = ${LOCK_NAMESPACE}::oid and objsubid = 2
				and objid in (${sql.raw([...keys].join(', '))}))`;
		return { cte, locks: keys.size };
	}

	/**
	 * Reads the log before the snapshot, so a compaction running meanwhile cannot hide an
	 * update: whatever it deleted from the log before the first read is in the snapshot read
	 * after it (snapshots only ever move forward).
	 */
	async load(room: string): Promise<StoredBoard> {
		const updates = await this.db
			.select({ id: boardUpdate.id, data: boardUpdate.data })
			.from(boardUpdate)
			.where(eq(boardUpdate.room, room))
			.orderBy(asc(boardUpdate.id));
		const [snapshot] = await this.db
			.select({ data: boardSnapshot.data, upToId: boardSnapshot.upToId })
			.from(boardSnapshot)
			.where(eq(boardSnapshot.room, room));
		const upToId = snapshot ? Number(snapshot.upToId) : 0;
		const after = updates.filter((u) => Number(u.id) > upToId);
		return {
			snapshot: snapshot ? await unpack(bytes(snapshot.data)) : null,
			updates: after.map((u) => bytes(u.data)),
			lastId: Math.max(upToId, ...after.map((u) => Number(u.id)))
		};
	}

	/**
	 * One statement — updates, projection and audit rows as data-modifying CTEs — so a batch
	 * costs one round trip and is atomic without an explicit transaction.
	 */
	async append(writes: BoardWrite[]): Promise<number[]> {
		const rows = writes.flatMap((w) => w.updates.map((data) => ({ room: w.room, data })));
		// The last write of a visit in the batch wins, as it would one statement later.
		const upserts = new Map(writes.flatMap((w) => w.upserts.map((r) => [r.id, r] as const)));
		const removals = new Map<string, string>();
		for (const w of writes) {
			for (const id of w.removals) if (!upserts.has(id)) removals.set(id, w.room);
		}
		const audit = writes.flatMap((w) => w.audit);
		const parts: SQL[] = [];
		if (rows.length > 0) {
			const insert = this.db.insert(boardUpdate).values(rows).returning({ id: boardUpdate.id });
			parts.push(sql`u as (${insert.getSQL()})`);
		}
		if (upserts.size > 0) {
			const upsert = this.db
				.insert(plannedVisit)
				.values([...upserts.values()].map((r) => ({ ...r, updatedAt: new Date() })))
				.onConflictDoUpdate({
					target: plannedVisit.id,
					set: {
						organisationId: sql`excluded.organisation_id`,
						teamId: sql`excluded.team_id`,
						clientId: sql`excluded.client_id`,
						room: sql`excluded.room`,
						date: sql`excluded.date`,
						dayPart: sql`excluded.day_part`,
						minutes: sql`excluded.minutes`,
						status: sql`excluded.status`,
						services: sql`excluded.services`,
						assignees: sql`excluded.assignees`,
						updatedAt: sql`excluded.updated_at`
					}
				});
			parts.push(sql`p as (${upsert.getSQL()})`);
		}
		if (removals.size > 0) {
			const pairs = sql.join(
				[...removals].map(([id, room]) => sql`(${id}::uuid, ${room}::text)`),
				sql`, `
			);
			parts.push(
				sql`d as (delete from planned_visit pv using (values ${pairs}) as r(id, room) where pv.id = r.id and pv.room = r.room)`
			);
		}
		if (audit.length > 0) {
			const insert = this.db
				.insert(auditLog)
				.values(audit.map((a) => ({ ...a, action: 'change' })));
			parts.push(sql`a as (${insert.getSQL()})`);
		}
		if (parts.length === 0) return writes.map(() => 0);
		let select =
			rows.length > 0 ? sql`select id from u order by id` : sql`select 1 as id where false`;
		const fence = this.fenceOf(writes);
		if (fence) {
			parts.unshift(fence.cte);
			// A failed cast aborts the whole statement, its data-modifying CTEs included. The
			// CASE keeps it from running while the locks are held (the text is not a constant).
			const from = rows.length > 0 ? sql`f left join u on true` : sql`f`;
			const id = rows.length > 0 ? sql`u.id` : sql`null::bigint`;
			select = sql`select ${id} as id from ${from}
				where case when f.held = ${fence.locks} then true
					else ('board authority lost, team locks held: ' || f.held)::int = 0 end
				order by 1`;
		}
		let result;
		try {
			result = await this.db.execute(sql`with ${sql.join(parts, sql`, `)} ${select}`);
		} catch (error) {
			if (fence && messagesOf(error).includes('board authority lost')) {
				throw new AuthorityLostError();
			}
			throw error;
		}
		// Serial ids are drawn in VALUES order, so the sorted ids follow the rows.
		const ids = rowsOf<{ id: string | number | null }>(result)
			.filter((r) => r.id !== null)
			.map((r) => Number(r.id));
		let offset = 0;
		return writes.map((w) => {
			offset += w.updates.length;
			return w.updates.length > 0 ? ids[offset - 1] : 0;
		});
	}

	/**
	 * Two statements, not one transaction, so other boards' commits can run between them: the
	 * snapshot alone already hides the updates it contains (`load` skips ids ≤ its `upToId`),
	 * and deleting them is only clean-up, done again by the next compaction if it is cut off.
	 */
	async compact(room: string, snapshot: Uint8Array, upToId: number): Promise<void> {
		const data = await pack(snapshot);
		await this.db
			.insert(boardSnapshot)
			.values({ room, data, upToId, updatedAt: new Date() })
			.onConflictDoUpdate({
				target: boardSnapshot.room,
				// `excluded`, not the values again: the snapshot is sent (and parsed) once.
				set: {
					data: sql`excluded.data`,
					upToId: sql`excluded.up_to_id`,
					updatedAt: sql`excluded.updated_at`
				},
				where: lte(boardSnapshot.upToId, upToId)
			});
		await this.db
			.delete(boardUpdate)
			.where(and(eq(boardUpdate.room, room), lte(boardUpdate.id, upToId)));
	}

	async exists(room: string): Promise<boolean> {
		const result = await this.db.execute(
			sql`select exists (select 1 from board_snapshot where room = ${room})
				or exists (select 1 from board_update where room = ${room}) as found`
		);
		return rowsOf<{ found: boolean }>(result)[0]?.found === true;
	}

	async create(room: string): Promise<void> {
		await this.db
			.insert(boardSnapshot)
			.values({ room, data: EMPTY_BOARD, upToId: 0, updatedAt: new Date() })
			.onConflictDoNothing({ target: boardSnapshot.room });
	}

	async projectionRows(room: string, ids: string[]): Promise<PlannedVisitRow[]> {
		const { updatedAt: _updatedAt, ...columns } = getTableColumns(plannedVisit);
		const rows = await this.db
			.select(columns)
			.from(plannedVisit)
			.where(
				or(eq(plannedVisit.room, room), ids.length > 0 ? inArray(plannedVisit.id, ids) : undefined)
			);
		// Day parts and statuses are stored as text; only these writes put them there.
		return rows as PlannedVisitRow[];
	}

	async visitsElsewhere(room: string, ids: string[]): Promise<Map<string, string>> {
		if (ids.length === 0) return new Map();
		const rows = await this.db
			.select({ id: plannedVisit.id, room: plannedVisit.room })
			.from(plannedVisit)
			.where(and(inArray(plannedVisit.id, ids), ne(plannedVisit.room, room)));
		return new Map(rows.map((r) => [r.id, r.room]));
	}
}
