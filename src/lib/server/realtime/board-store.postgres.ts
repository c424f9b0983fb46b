/**
 * The board store on PostgreSQL (or the embedded PGlite) through Drizzle. Each `append` is
 * one transaction with PostgreSQL's default synchronous commit: when it resolves, the updates,
 * their projection rows and audit rows are on disk together.
 */
import { and, asc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, boardSnapshot, boardUpdate, plannedVisit } from '../db/schema';
import type { BoardStore, BoardWrite, StoredBoard } from './board-store';

/** postgres.js hands bytea back as a Buffer, PGlite as a Uint8Array: give Yjs a plain view. */
const bytes = (data: Uint8Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

export class PostgresBoardStore implements BoardStore {
	constructor(private readonly db: Db) {}

	async load(room: string): Promise<StoredBoard> {
		const [snapshot] = await this.db
			.select({ data: boardSnapshot.data, upToId: boardSnapshot.upToId })
			.from(boardSnapshot)
			.where(eq(boardSnapshot.room, room));
		const upToId = snapshot ? Number(snapshot.upToId) : 0;
		const updates = await this.db
			.select({ id: boardUpdate.id, data: boardUpdate.data })
			.from(boardUpdate)
			.where(and(eq(boardUpdate.room, room), gt(boardUpdate.id, upToId)))
			.orderBy(asc(boardUpdate.id));
		return {
			snapshot: snapshot ? bytes(snapshot.data) : null,
			updates: updates.map((u) => bytes(u.data)),
			lastId: Math.max(upToId, ...updates.map((u) => Number(u.id)))
		};
	}

	async append(writes: BoardWrite[]): Promise<number[]> {
		return this.db.transaction(async (tx) => {
			const rows = writes.flatMap((w) => w.updates.map((data) => ({ room: w.room, data })));
			// Serial ids are drawn in VALUES order, so the sorted ids follow the rows.
			let ids: number[] = [];
			if (rows.length > 0) {
				const inserted = await tx
					.insert(boardUpdate)
					.values(rows)
					.returning({ id: boardUpdate.id });
				ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
			}

			// The last write of a visit in the batch wins, as it would one transaction later.
			const upserts = new Map(writes.flatMap((w) => w.upserts.map((r) => [r.id, r] as const)));
			if (upserts.size > 0) {
				await tx
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
			}
			for (const write of writes) {
				const removals = write.removals.filter((id) => !upserts.has(id));
				if (removals.length === 0) continue;
				await tx
					.delete(plannedVisit)
					.where(and(inArray(plannedVisit.id, removals), eq(plannedVisit.room, write.room)));
			}

			const audit = writes.flatMap((w) => w.audit);
			if (audit.length > 0) {
				await tx.insert(auditLog).values(audit.map((a) => ({ ...a, action: 'change' })));
			}
			let offset = 0;
			return writes.map((w) => {
				offset += w.updates.length;
				return w.updates.length > 0 ? ids[offset - 1] : 0;
			});
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
