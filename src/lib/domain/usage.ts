/**
 * How a client's frame is being used in one frame period, as the manager's follow-up shows it
 * (SPEC.md "Frame usage follow-up", U1–U7): what is left, where the period is heading at the
 * pace so far, and the flags that ask for a look — never a verdict, since the team owns the
 * plan and time really spent is never refused.
 */
import { addDays, daysBetween, framePeriodOf } from './periods';
import type { FramePeriodRange, IsoDate } from './types';

export type UsageFlag = 'overdraft' | 'running-hot' | 'low-use' | 'many-declined';

/** Order in which flags are shown and sorted: the most pressing first. */
export const USAGE_FLAGS: readonly UsageFlag[] = [
	'overdraft',
	'running-hot',
	'low-use',
	'many-declined'
];

/** Running hot: the pace so far would end the period this much above the frame (U5). */
export const HOT_SHARE = 1.15;
/** Low use: heading for less than this share of the frame (U6). */
export const LOW_SHARE = 0.5;
/** A pace is only read once this share of the period has passed (U5, U6). */
export const PACE_MIN_ELAPSED = 0.25;
/** Declined visits and declined services in one period that make "many" (U7). */
export const MANY_DECLINED = 3;

export interface PeriodUsageInput {
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	declinedVisits: number;
	declinedServices: number;
	/** The frame period, inclusive. */
	firstDay: IsoDate;
	lastDay: IsoDate;
	today: IsoDate;
	/** Minutes an organisation lets a plan exceed the frame by (DL3); default 0. */
	toleranceMinutes?: number;
	/** `periodClock(firstDay, lastDay, today)`, when the caller has it for many clients at once. */
	clock?: PeriodClock;
}

export interface PeriodClock {
	periodDays: number;
	/** Whole days of the period before today (U2). */
	elapsedDays: number;
}

/** How long a period is and how much of it has passed on `today` (U2). */
export function periodClock(firstDay: IsoDate, lastDay: IsoDate, today: IsoDate): PeriodClock {
	const periodDays = daysBetween(firstDay, lastDay) + 1;
	return {
		periodDays,
		elapsedDays: Math.min(periodDays, Math.max(0, daysBetween(firstDay, today)))
	};
}

export interface PeriodUsage {
	leftMinutes: number;
	/** Whole days of the period before today (time is recorded afterwards). */
	elapsedDays: number;
	periodDays: number;
	/** Used minutes at the end of the period if the pace so far holds (U3). */
	projectedMinutes: number;
	flags: UsageFlag[];
}

/** The follow-up figures of one client's frame period. */
export function periodUsage(input: PeriodUsageInput): PeriodUsage {
	const { frameMinutes, usedMinutes, plannedMinutes } = input;
	const { periodDays, elapsedDays } =
		input.clock ?? periodClock(input.firstDay, input.lastDay, input.today);
	const leftMinutes = frameMinutes - usedMinutes - plannedMinutes;
	const projectedMinutes = projected(usedMinutes, plannedMinutes, elapsedDays, periodDays);

	const flags: UsageFlag[] = [];
	if (usedMinutes + plannedMinutes > frameMinutes + (input.toleranceMinutes ?? 0)) {
		flags.push('overdraft');
	}
	const paceReadable = elapsedDays >= Math.max(1, periodDays * PACE_MIN_ELAPSED);
	const pace = elapsedDays > 0 ? (usedMinutes * periodDays) / elapsedDays : 0;
	if (paceReadable && elapsedDays < periodDays && pace > frameMinutes * HOT_SHARE) {
		flags.push('running-hot');
	}
	const heading = elapsedDays >= periodDays ? usedMinutes : projectedMinutes;
	if (
		frameMinutes > 0 &&
		elapsedDays >= periodDays * LOW_SHARE &&
		heading < frameMinutes * LOW_SHARE &&
		usedMinutes + plannedMinutes < frameMinutes * LOW_SHARE
	) {
		flags.push('low-use');
	}
	if (input.declinedVisits + input.declinedServices >= MANY_DECLINED) flags.push('many-declined');
	return { leftMinutes, elapsedDays, periodDays, projectedMinutes, flags };
}

/**
 * U3: a finished period ends where it is; one not begun is heading for what is planned; one
 * under way for the recorded pace stretched over the whole period — but never below what is
 * already recorded and planned, since planned visits are the team's own forecast.
 */
function projected(used: number, planned: number, elapsed: number, days: number): number {
	if (elapsed >= days) return used;
	if (elapsed === 0) return used + planned;
	return Math.max(used + planned, Math.round((used * days) / elapsed));
}

/** Flags of several periods (a weekly frame over a month), each once, most pressing first. */
export function mergeFlags(lists: readonly (readonly UsageFlag[])[]): UsageFlag[] {
	const seen = new Set(lists.flat());
	return USAGE_FLAGS.filter((flag) => seen.has(flag));
}

/** Sort key for "most pressing first": the first flag's rank, flagless last. */
export function flagRank(flags: readonly UsageFlag[]): number {
	return flags.length === 0 ? USAGE_FLAGS.length : USAGE_FLAGS.indexOf(flags[0]);
}

/**
 * The period `steps` weeks or months away from `period`, of the same kind (U9): the manager's
 * previous and next buttons. ISO weeks cross years (2026-W53 → 2027-W01).
 */
export function shiftPeriod(period: FramePeriodRange, steps: number): FramePeriodRange {
	if (period.kind === 'week') return framePeriodOf('week', addDays(period.start, 7 * steps));
	const [year, month] = period.key.split('-').map(Number);
	const index = year * 12 + (month - 1) + steps;
	const key = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
	return framePeriodOf('month', `${key}-01`);
}
