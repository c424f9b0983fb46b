/**
 * The board store on PostgreSQL (or the embedded PGlite) through Drizzle. Each `append` is
 * one transaction with PostgreSQL's default synchronous commit: when it resolves, the updates,
 * their projection rows and audit rows are on disk together.
 */
import { and, asc, eq, inArray, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, boardSnapshot, boardUpdate, plannedVisit } from '../db/schema';
import type { BoardStore, BoardWrite, StoredBoard } from './board-store';
import { rowsOf } from '../db/rows';

/** postgres.js hands bytea back as a Buffer, PGlite as a Uint8Array: give Yjs a plain view. */
const bytes = (data: Uint8Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

export class PostgresBoardStore implements BoardStore {
	constructor(private readonly db: Db) {}

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
			snapshot: snapshot ? bytes(snapshot.data) : null,
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
		const select =
			rows.length > 0 ? sql`select id from u order by id` : sql`select 1 as id where false`;
		const result = await this.db.execute(sql`with ${sql.join(parts, sql`, `)} ${select}`);
		// Serial ids are drawn in VALUES order, so the sorted ids follow the rows.
		const ids = rowsOf<{ id: string | number }>(result).map((r) => Number(r.id));
		let offset = 0;
		return writes.map((w) => {
			offset += w.updates.length;
			return w.updates.length > 0 ? ids[offset - 1] : 0;
		});
	}

	async compact(room: string, data: Uint8Array, upToId: number): Promise<void> {
		await this.db.transaction(async (tx) => {
			await tx
				.insert(boardSnapshot)
				.values({ room, data, upToId, updatedAt: new Date() })
				.onConflictDoUpdate({
					target: boardSnapshot.room,
					set: { data, upToId, updatedAt: new Date() },
					where: lte(boardSnapshot.upToId, upToId)
				});
			await tx
				.delete(boardUpdate)
				.where(and(eq(boardUpdate.room, room), lte(boardUpdate.id, upToId)));
		});
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
