/**
 * Continuity (Socialstyrelsen's measure): how many different staff a client met in the last
 * 14 days, counted from the time recorded with the client. The board shows it as a hint.
 */
import { and, countDistinct, eq, gte, inArray, lte } from 'drizzle-orm';
import { addDays } from '$lib/domain/periods';
import type { IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import { timeEntry } from '../db/schema';

export async function staffMetLast14Days(
	db: Db,
	clientIds: string[],
	today: IsoDate
): Promise<Record<string, number>> {
	if (clientIds.length === 0) return {};
	const rows = await db
		.select({ clientId: timeEntry.clientId, staff: countDistinct(timeEntry.staffId) })
		.from(timeEntry)
		.where(
			and(
				inArray(timeEntry.clientId, clientIds),
				eq(timeEntry.withClient, true),
				gte(timeEntry.date, addDays(today, -13)),
				lte(timeEntry.date, today)
			)
		)
		.groupBy(timeEntry.clientId);
	return Object.fromEntries(rows.map((r) => [r.clientId, r.staff]));
}
