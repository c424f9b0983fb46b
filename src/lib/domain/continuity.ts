/**
 * Continuity of care (Socialstyrelsen's measure, DESIGN.md §2): how many different staff a
 * client met in a fortnight. Fewer is better. The counting of time entries happens in SQL
 * (rule CO1); this module holds the arithmetic a manager's report does with the counts:
 * windows, medians, the national level and whether a client or a team is getting better.
 * Rules CO1–CO7 in SPEC.md.
 */
import { addDays } from './periods';
import type { IsoDate } from './types';

/** The measure's window: the day asked about and the 13 days before it (CO2). */
export const CONTINUITY_WINDOW_DAYS = 14;

/**
 * The national level: in Socialstyrelsen's yearly survey of home care (Öppna jämförelser),
 * a person with home care meets about 15 different staff in 14 days (the national median,
 * which has stayed around 15–16 for years). A client above it is marked (CO5); the figure is
 * a reference point for the manager, not a limit.
 */
export const NATIONAL_CONTINUITY_LEVEL = 15;

/** The trend shows the current fortnight and the six before it: about three months (CO3). */
export const CONTINUITY_TREND_POINTS = 7;

/** First and last day of the 14-day window ending on `end` (CO2). */
export function continuityWindow(end: IsoDate): { start: IsoDate; end: IsoDate } {
	return { start: addDays(end, -(CONTINUITY_WINDOW_DAYS - 1)), end };
}

/**
 * The last days of the trend's windows, oldest first, ending on `today`: consecutive
 * fortnights that neither overlap nor leave a day out (CO3).
 */
export function continuityTrendEnds(
	today: IsoDate,
	points: number = CONTINUITY_TREND_POINTS
): IsoDate[] {
	if (!Number.isInteger(points) || points < 1) throw new RangeError(`not a point count: ${points}`);
	return Array.from({ length: points }, (_, i) =>
		addDays(today, -CONTINUITY_WINDOW_DAYS * (points - 1 - i))
	);
}

/** The median of some numbers: the middle one, or the mean of the two middle ones (CO4). */
export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median of a group of clients (a team, a unit): only clients who met somebody in the
 * window count, since a client without recorded visits has no continuity to measure (CO4).
 */
export function continuityMedian(staffMet: readonly number[]): number | null {
	return median(staffMet.filter((n) => n > 0));
}

/** A client met more different staff than the national level (CO5). */
export function aboveNationalLevel(staffMet: number): boolean {
	return staffMet > NATIONAL_CONTINUITY_LEVEL;
}

export type TrendDirection = 'improving' | 'worsening' | 'steady' | 'unknown';

/**
 * Whether continuity is getting better (CO6). `values` are the trend's points, oldest first;
 * the last is the current fortnight. A point without visits (0 or null) is not measured. The
 * current value is compared with the median of the earlier measured points: at least one
 * person fewer is `improving`, at least one more `worsening`, otherwise `steady`; `unknown`
 * when the current fortnight or every earlier one is unmeasured.
 */
export function trendDirection(values: readonly (number | null)[]): TrendDirection {
	const measured = (v: number | null | undefined): v is number => v != null && v > 0;
	const current = values[values.length - 1];
	if (!measured(current)) return 'unknown';
	const reference = median(values.slice(0, -1).filter(measured));
	if (reference === null) return 'unknown';
	const diff = current - reference;
	return diff <= -1 ? 'improving' : diff >= 1 ? 'worsening' : 'steady';
}

const collator = new Intl.Collator('sv');

/**
 * Clients worst first (CO7): most different staff first; clients without visits in the window
 * last; ties by name in Swedish order, then by id, so the order is stable.
 */
export function worstFirst<T extends { id: string; name: string; staffMet: number }>(
	rows: readonly T[]
): T[] {
	return [...rows].sort(
		(a, b) =>
			b.staffMet - a.staffMet ||
			collator.compare(a.name, b.name) ||
			(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}
