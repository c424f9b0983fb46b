/**
 * "Min dag" as plain data: which of the board's visits are mine on a date, which one is next,
 * and what changed since the huddle handed them out. Pure functions over board visits, so the
 * phone's list and the tests agree.
 */
import { DAY_PARTS, type DayPart, type IsoDate } from '$lib/domain/types';
import { compareVisits, type BoardVisit } from '$lib/board';

/** My visits on `date`, in board order (day part, then the team's order in the column). */
export function myVisits(
	visits: readonly BoardVisit[],
	staffId: string,
	date: IsoDate
): BoardVisit[] {
	return visits
		.filter((v) => v.date === date && v.assignees.includes(staffId) && v.status !== 'cancelled')
		.sort(compareVisits);
}

/** The day part a clock hour (0–23) falls in; before 07 counts as morning, after 22 as evening. */
export function dayPartAt(hour: number): DayPart {
	if (hour < 11) return 'morning';
	if (hour < 14) return 'midday';
	if (hour < 18) return 'afternoon';
	return 'evening';
}

/**
 * The visit to go to next: the first one still planned. On the current day, a visit of a day
 * part already over comes first only when nothing later is still planned — a forgotten report
 * should not hide where the worker is expected now.
 */
export function nextVisit(
	mine: readonly BoardVisit[],
	now: { date: IsoDate; hour: number }
): BoardVisit | undefined {
	const planned = mine.filter((v) => v.status === 'planned');
	if (planned.length === 0) return undefined;
	if (planned[0].date !== now.date) return planned[0];
	const current = DAY_PARTS.indexOf(dayPartAt(now.hour));
	return planned.find((v) => DAY_PARTS.indexOf(v.dayPart) >= current) ?? planned[0];
}

/** What of a visit the worker would notice changing: where, when, what and how long. */
export interface VisitFingerprint {
	dayPart: DayPart;
	minutes: number;
	services: string[];
	window: string | null;
	assignees: string[];
}

export type Baseline = Record<string, VisitFingerprint>;

export const fingerprintOf = (v: BoardVisit): VisitFingerprint => ({
	dayPart: v.dayPart,
	minutes: v.minutes,
	services: [...v.services].sort(),
	window: v.window ?? null,
	assignees: [...v.assignees].sort()
});

export function baselineOf(visits: readonly BoardVisit[]): Baseline {
	return Object.fromEntries(visits.map((v) => [v.id, fingerprintOf(v)]));
}

export type Change = 'new' | 'dayPart' | 'minutes' | 'services' | 'window' | 'colleagues';

/**
 * What changed in each of my visits since the baseline (the day as it was after the huddle):
 * a visit that was not mine then is `new`; otherwise the fields that differ, in a fixed order.
 * Visits that no longer are mine are listed in `removed`.
 */
export function changesSince(
	baseline: Baseline,
	mine: readonly BoardVisit[]
): { changed: Map<string, Change[]>; removed: string[] } {
	const changed = new Map<string, Change[]>();
	for (const visit of mine) {
		const before = baseline[visit.id];
		if (!before) {
			changed.set(visit.id, ['new']);
			continue;
		}
		const now = fingerprintOf(visit);
		const diff: Change[] = [];
		if (now.dayPart !== before.dayPart) diff.push('dayPart');
		if (now.minutes !== before.minutes) diff.push('minutes');
		if (now.services.join() !== before.services.join()) diff.push('services');
		if (now.window !== before.window) diff.push('window');
		if (now.assignees.join() !== before.assignees.join()) diff.push('colleagues');
		if (diff.length > 0) changed.set(visit.id, diff);
	}
	const ids = new Set(mine.map((v) => v.id));
	const removed = Object.keys(baseline).filter((id) => !ids.has(id));
	return { changed, removed };
}
