/**
 * The billing basis (debiteringsunderlag) of a month: for every client and decision version in
 * force during the month, the minutes granted for the part of the month the decision covers and
 * the minutes really used. Rules BI1–BI4 in SPEC.md; the file format is BI5–BI7 (`csv.ts`).
 */
import { compareDates, daysBetween, monthKey, monthRange, parsePeriodKey } from './periods';
import type { FramePeriod, IsoDate } from './types';

const MONTH_PATTERN = /^\d{4}-\d{2}$/;

/** True for a real calendar month written `YYYY-MM` (BI1). */
export function isMonthKey(value: string): boolean {
	return MONTH_PATTERN.test(value) && parsePeriodKey(value) !== null;
}

/**
 * The month a manager most likely bills: the last complete month before `today` (BI1). On the
 * first day of a month that is the month just ended.
 */
export function previousMonth(today: IsoDate): string {
	const { start } = monthRange(monthKey(today));
	const [year, month] = start.split('-').map(Number);
	return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

export interface CoveredDays {
	/** First and last day of the month the decision covers (inclusive). */
	start: IsoDate;
	end: IsoDate;
	/** Number of days from `start` to `end`, 1..31. */
	days: number;
	/** Number of days of the whole month, 28..31. */
	daysInMonth: number;
}

/**
 * The days of `month` a decision valid `validFrom..validTo` (null = open-ended) covers, or null
 * when it covers none of them (BI2).
 */
export function coveredDays(
	month: string,
	validFrom: IsoDate,
	validTo: IsoDate | null
): CoveredDays | null {
	const range = monthRange(month);
	const start = compareDates(validFrom, range.start) > 0 ? validFrom : range.start;
	const end = validTo !== null && compareDates(validTo, range.end) < 0 ? validTo : range.end;
	if (compareDates(start, end) > 0) return null;
	return {
		start,
		end,
		days: daysBetween(start, end) + 1,
		daysInMonth: daysBetween(range.start, range.end) + 1
	};
}

/**
 * Minutes granted in a month for the days a decision covers (BI3). A monthly frame is prorated
 * by the share of the month's days covered (`frame × covered ÷ days in month`); a weekly frame
 * by days of a week (`frame × covered ÷ 7`), so a whole 30-day month of a 7-hour weekly frame
 * grants 30 hours. Rounded half up to whole minutes, so a full month of a monthly frame grants
 * the frame exactly.
 */
export function grantedMinutes(
	framePeriod: FramePeriod,
	frameMinutes: number,
	covered: Pick<CoveredDays, 'days' | 'daysInMonth'>
): number {
	const divisor = framePeriod === 'week' ? 7 : covered.daysInMonth;
	// Integer arithmetic first: frame × days is exact, and halves round up without float error.
	const numerator = frameMinutes * covered.days;
	return Math.floor((2 * numerator + divisor) / (2 * divisor));
}

/** Minutes as hours with at most two decimals, as a number (BI4): 90 → 1.5, 20 → 0.33. */
export function hoursOf(minutes: number): number {
	return Math.round((minutes * 100) / 60) / 100;
}
