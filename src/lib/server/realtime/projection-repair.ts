/**
 * A board's projection rows put right when it loads. A write's projection rows are committed
 * just after its updates (`writer.ts`), so a process that dies between the two leaves rows
 * that miss the last changes; the board's doc, loaded from the log, says what they must be.
 */
import { UUID_PATTERN, type BoardVisit } from '$lib/board';
import type { BoardStore, PlannedVisitRow } from './board-store';
import { projectionRow } from './board-write';
import type { TeamContext } from './context';
import { describeError } from './samples';
import type { Logger } from './room';
import type { BoardWriter } from './writer';

/** The rows to write so that `stored` says what `wanted` (the board's visits) says. */
export function projectionRepair(
	room: string,
	wanted: PlannedVisitRow[],
	stored: PlannedVisitRow[]
): { upserts: PlannedVisitRow[]; removals: string[] } {
	const storedById = new Map(stored.map((row) => [row.id, row]));
	const wantedIds = new Set(wanted.map((row) => row.id));
	const upserts = wanted.filter((row) => {
		const current = storedById.get(row.id);
		// A visit whose row is on another board stays there: the board judging it removes it.
		if (current && current.room !== room) return false;
		return !current || !sameRow(current, row);
	});
	const removals = stored
		.filter((row) => row.room === room && !wantedIds.has(row.id))
		.map((row) => row.id);
	return { upserts, removals };
}

function sameRow(a: PlannedVisitRow, b: PlannedVisitRow): boolean {
	return (
		a.organisationId === b.organisationId &&
		a.teamId === b.teamId &&
		a.clientId === b.clientId &&
		a.date === b.date &&
		a.dayPart === b.dayPart &&
		a.minutes === b.minutes &&
		a.status === b.status &&
		a.services.join('\n') === b.services.join('\n') &&
		a.assignees.join('\n') === b.assignees.join('\n')
	);
}

/**
 * Compares the board's accepted visits with their stored rows and commits the difference.
 * A repair that fails is logged and the board opens anyway: it is the rows, not the board,
 * that are behind, and the next change of each visit writes its row again.
 */
export async function repairProjection(
	host: { store: BoardStore; writer: BoardWriter; log: Logger },
	room: string,
	ctx: TeamContext,
	accepted: Map<string, BoardVisit>
): Promise<void> {
	try {
		const visits = [...accepted.values()].filter((v) => UUID_PATTERN.test(v.id));
		const wanted = visits.map((v) => projectionRow(ctx, room, v));
		const stored = await host.store.projectionRows(
			room,
			wanted.map((row) => row.id)
		);
		const { upserts, removals } = projectionRepair(room, wanted, stored);
		if (upserts.length === 0 && removals.length === 0) return;
		await host.writer.write({ room, updates: [], upserts, removals, audit: [] }).projected;
		host.log.warn('board projection repaired', {
			room,
			upserts: upserts.length,
			removals: removals.length
		});
	} catch (error) {
		host.log.warn('board projection repair failed', { room, error: describeError(error) });
	}
}
