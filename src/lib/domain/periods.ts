/**
 * Calendar arithmetic on Swedish calendar days: ISO weeks, calendar months, frame periods.
 *
 * Dates are `YYYY-MM-DD` strings naming a day, not an instant. All arithmetic converts them to
 * a count of days since 1970-01-01 in UTC and back, so daylight-saving changes can never shift a
 * day. Rules P1–P8 in SPEC.md.
 */
import type { Decision, FramePeriod, FramePeriodRange, IsoDate } from './types';

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK_KEY_PATTERN = /^(\d{4})-W(\d{2})$/;
const MONTH_KEY_PATTERN = /^(\d{4})-(\d{2})$/;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

/** Days since 1970-01-01 of a calendar day given as numbers (month 1–12). */
function epochDayOf(year: number, month: number, day: number): number {
	const utc = new Date(0);
	// setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
	utc.setUTCFullYear(year, month - 1, day);
	return Math.round(utc.getTime() / MS_PER_DAY);
}

function partsOfEpochDay(epochDay: number): { year: number; month: number; day: number } {
	const utc = new Date(epochDay * MS_PER_DAY);
	return { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

function formatEpochDay(epochDay: number): IsoDate {
	const { year, month, day } = partsOfEpochDay(epochDay);
	if (year < MIN_YEAR || year > MAX_YEAR) {
		throw new RangeError(`date outside years ${MIN_YEAR}–${MAX_YEAR}`);
	}
	return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function daysInMonth(year: number, month: number): number {
	return epochDayOf(year, month + 1, 1) - epochDayOf(year, month, 1);
}

/** Parses a date to its day number; throws on anything that is not a real calendar day. */
function epochDayOfDate(date: IsoDate): number {
	const match = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
	if (match) {
		const year = Number(match[1]);
		const month = Number(match[2]);
		const day = Number(match[3]);
		if (
			year >= MIN_YEAR &&
			month >= 1 &&
			month <= 12 &&
			day >= 1 &&
			day <= daysInMonth(year, month)
		) {
			return epochDayOf(year, month, day);
		}
	}
	throw new RangeError(`not a calendar date (YYYY-MM-DD): ${String(date)}`);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday. */
function isoWeekdayOfEpochDay(epochDay: number): number {
	return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/** Monday of ISO week 1 of `year`: the week holding the year's first Thursday (and 4 January). */
function mondayOfWeekOne(year: number): number {
	const jan4 = epochDayOf(year, 1, 4);
	return jan4 - (isoWeekdayOfEpochDay(jan4) - 1);
}

/** 52 or 53: a year has 53 ISO weeks when 1 January or 31 December falls on a Thursday. */
export function isoWeeksInYear(year: number): number {
	return (mondayOfWeekOne(year + 1) - mondayOfWeekOne(year)) / 7;
}

/** True for a real calendar day written `YYYY-MM-DD` in years 0001–9999 (P1). */
export function isValidIsoDate(s: string): boolean {
	try {
		epochDayOfDate(s);
		return true;
	} catch {
		return false;
	}
}

/** Negative, zero or positive as `a` is before, on or after `b`; throws on invalid dates. */
export function compareDates(a: IsoDate, b: IsoDate): number {
	return Math.sign(epochDayOfDate(a) - epochDayOfDate(b));
}

/** The day `n` days after `date` (before, when `n` is negative). `n` must be an integer. */
export function addDays(date: IsoDate, n: number): IsoDate {
	if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
	return formatEpochDay(epochDayOfDate(date) + n);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
	return epochDayOfDate(b) - epochDayOfDate(a);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
	return isoWeekdayOfEpochDay(epochDayOfDate(date));
}

/**
 * The ISO 8601 week of a date as `YYYY-Www` (P2). The year is the week-year, which differs from
 * the calendar year around New Year: 2027-01-01 is in `2026-W53`, 2024-12-30 in `2025-W01`.
 */
export function isoWeekKey(date: IsoDate): string {
	const day = epochDayOfDate(date);
	// A week belongs to the year that holds its Thursday.
	const thursday = day - isoWeekdayOfEpochDay(day) + 4;
	const weekYear = partsOfEpochDay(thursday).year;
	const week = Math.floor((thursday - mondayOfWeekOne(weekYear)) / 7) + 1;
	return `${pad(weekYear, 4)}-W${pad(week, 2)}`;
}

function parseWeekKey(key: string): FramePeriodRange | null {
	const match = typeof key === 'string' ? WEEK_KEY_PATTERN.exec(key) : null;
	if (!match) return null;
	const year = Number(match[1]);
	const week = Number(match[2]);
	if (year < MIN_YEAR || year > MAX_YEAR || week < 1 || week > isoWeeksInYear(year)) return null;
	const monday = mondayOfWeekOne(year) + (week - 1) * 7;
	try {
		return { kind: 'week', key, start: formatEpochDay(monday), end: formatEpochDay(monday + 6) };
	} catch {
		// The week reaches beyond the supported calendar (only at its very edges).
		return null;
	}
}

function parseMonthKey(key: string): FramePeriodRange | null {
	const match = typeof key === 'string' ? MONTH_KEY_PATTERN.exec(key) : null;
	if (!match) return null;
	const year = Number(match[1]);
	const month = Number(match[2]);
	if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null;
	const first = epochDayOf(year, month, 1);
	return {
		kind: 'month',
		key,
		start: formatEpochDay(first),
		end: formatEpochDay(first + daysInMonth(year, month) - 1)
	};
}

/** Monday to Sunday of an ISO week key `YYYY-Www`; throws on an invalid or non-existent week. */
export function isoWeekRange(key: string): FramePeriodRange {
	const range = parseWeekKey(key);
	if (!range) throw new RangeError(`not an ISO week (YYYY-Www): ${String(key)}`);
	return range;
}

/** The calendar month of a date as `YYYY-MM`. */
export function monthKey(date: IsoDate): string {
	epochDayOfDate(date);
	return date.slice(0, 7);
}

/** First to last day of a month key `YYYY-MM`; throws on an invalid month. */
export function monthRange(key: string): FramePeriodRange {
	const range = parseMonthKey(key);
	if (!range) throw new RangeError(`not a month (YYYY-MM): ${String(key)}`);
	return range;
}

/**
 * A period key as the frames API and the board rooms write it — `YYYY-MM` or `YYYY-Www` — or
 * null for anything else, including week 53 of a year without one and month 13 (P4). Use it
 * on untrusted input; the throwing variants are for keys the program made itself.
 */
export function parsePeriodKey(key: string): FramePeriodRange | null {
	return parseWeekKey(key) ?? parseMonthKey(key);
}

/** The frame period of `kind` holding `date` — the period a decision's frame is counted in. */
export function framePeriodOf(kind: FramePeriod, date: IsoDate): FramePeriodRange {
	return kind === 'week' ? isoWeekRange(isoWeekKey(date)) : monthRange(monthKey(date));
}

/**
 * Every period of `kind` sharing at least one day with `range`, in calendar order (P5). A month
 * report asks this for weekly frames (4–6 weeks) and a week board for monthly ones (1–2
 * months). An empty or inverted range overlaps nothing.
 */
export function periodsOverlapping(
	kind: FramePeriod,
	range: { start: IsoDate; end: IsoDate }
): FramePeriodRange[] {
	const result: FramePeriodRange[] = [];
	if (compareDates(range.start, range.end) > 0) return result;
	let period = framePeriodOf(kind, range.start);
	for (;;) {
		result.push(period);
		if (compareDates(period.end, range.end) >= 0) return result;
		period = framePeriodOf(kind, addDays(period.end, 1));
	}
}

/** The seven days, Monday first, of an ISO week key; throws on an invalid week. */
export function datesOfIsoWeek(key: string): IsoDate[] {
	const { start } = isoWeekRange(key);
	return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** True when `date` lies in the inclusive range. */
export function isWithin(date: IsoDate, range: { start: IsoDate; end: IsoDate }): boolean {
	return compareDates(range.start, date) <= 0 && compareDates(date, range.end) <= 0;
}

/**
 * Today's calendar day in `timeZone` (Europe/Stockholm by default). Servers run in UTC, so
 * between 00:00 and 01:00/02:00 Swedish time the UTC date is still yesterday's; the team's day
 * is the Swedish one.
 */
export function todayIn(timeZone = 'Europe/Stockholm', now: Date = new Date()): IsoDate {
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).formatToParts(now);
	const part = (type: Intl.DateTimeFormatPartTypes) =>
		parts.find((p) => p.type === type)?.value ?? '';
	return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** True when the decision's validity [validFrom, validTo] (validTo null = open) holds `date`. */
export function decisionCovers(decision: Decision, date: IsoDate): boolean {
	return (
		compareDates(decision.validFrom, date) <= 0 &&
		(decision.validTo === null || compareDates(date, decision.validTo) <= 0)
	);
}

/**
 * The decision that governs `date` (P7): one whose validity holds the date; when a new
 * decision overlaps an older one (a case officer granted more before the old one ended), the
 * newest — the one with the latest `validFrom` — wins, the first listed on a tie.
 */
export function decisionCovering(decisions: Decision[], date: IsoDate): Decision | undefined {
	let best: Decision | undefined;
	for (const decision of decisions) {
		if (!decisionCovers(decision, date)) continue;
		if (!best || compareDates(decision.validFrom, best.validFrom) > 0) best = decision;
	}
	return best;
}
