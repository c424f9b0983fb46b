/**
 * Pure helpers that turn the board's visits into what the screen shows: columns per person
 * and day part, load per person, the frame row a card shows, and the huddle hints. No Yjs
 * here, so they are easy to test.
 */
import type { BoardVisit, AbsenceValue } from '$lib/board';
import { isoWeekKey, monthKey } from '$lib/domain/periods';
import type { DayPart, IsoDate } from '$lib/domain/types';
import type { FrameRow } from '$lib/realtime/protocol';
import type { ServiceInfo, StaffInfo } from './types';

/** Visits shown in a column: every assignee's column holds the visit; none = "Att fördela". */
export function visitsInColumn(
	visits: readonly BoardVisit[],
	staffId: string | null,
	dayPart: DayPart
): BoardVisit[] {
	return visits.filter(
		(v) =>
			v.dayPart === dayPart &&
			(staffId === null ? v.assignees.length === 0 : v.assignees.includes(staffId))
	);
}

/** Minutes of planned visits a person holds that day: a hint of uneven load, never a limit. */
export function loadOf(visits: readonly BoardVisit[], staffId: string): number {
	return visits
		.filter((v) => v.status === 'planned' && v.assignees.includes(staffId))
		.reduce((sum, v) => sum + v.minutes, 0);
}

/** The frame row covering the visit's date: its ISO week or its month, as the decision says. */
export function frameRowFor(
	rows: readonly FrameRow[] | undefined,
	date: IsoDate
): FrameRow | undefined {
	if (!rows) return undefined;
	const week = isoWeekKey(date);
	const month = monthKey(date);
	return rows.find((r) => r.period === week) ?? rows.find((r) => r.period === month);
}

export function needsTwoStaff(visit: BoardVisit, services: Record<string, ServiceInfo>): boolean {
	return visit.services.some((code) => services[code]?.twoStaff);
}

/**
 * Moves a visit between columns the way a drop does: the person it came from lets go of it,
 * the person it lands on takes it; dropping on "Att fördela" lets go of it only.
 */
export function assigneesAfterMove(
	current: readonly string[],
	from: string | null,
	to: string | null
): string[] {
	const next = current.filter((id) => id !== from);
	if (to !== null && !next.includes(to)) next.push(to);
	return next;
}

export type Hint =
	| { kind: 'uneven'; most: string; max: number; least: string; min: number }
	| { kind: 'critical'; clientId: string; window: string }
	| { kind: 'two-staff'; clientId: string; service: string }
	| { kind: 'continuity'; clientId: string; count: number };

/** Above this many different staff in 14 days the board points the client out. */
export const CONTINUITY_HINT_FROM = 10;
/** A load difference worth mentioning between the most and least loaded person. */
export const UNEVEN_LOAD_MINUTES = 120;

export function huddleHints(input: {
	visits: readonly BoardVisit[];
	staff: readonly StaffInfo[];
	absences: Record<string, Record<IsoDate, AbsenceValue>>;
	date: IsoDate;
	services: Record<string, ServiceInfo>;
	continuity: Record<string, number>;
}): Hint[] {
	const hints: Hint[] = [];
	const planned = input.visits.filter((v) => v.status === 'planned');
	const working = input.staff.filter((s) => input.absences[s.id]?.[input.date] !== 'day');
	if (working.length >= 2) {
		const loads = working.map((s) => ({ name: s.name, load: loadOf(planned, s.id) }));
		loads.sort((a, b) => a.load - b.load);
		const least = loads[0]!;
		const most = loads[loads.length - 1]!;
		if (most.load - least.load >= UNEVEN_LOAD_MINUTES) {
			hints.push({
				kind: 'uneven',
				most: most.name,
				max: most.load,
				least: least.name,
				min: least.load
			});
		}
	}
	const twoStaffShown = new Set<string>();
	for (const v of planned) {
		if (v.window && v.assignees.length === 0) {
			hints.push({ kind: 'critical', clientId: v.clientId, window: v.window });
		}
		const two = v.services.find((code) => input.services[code]?.twoStaff);
		if (two && v.assignees.length < 2 && !twoStaffShown.has(v.clientId + two)) {
			twoStaffShown.add(v.clientId + two);
			hints.push({ kind: 'two-staff', clientId: v.clientId, service: two });
		}
	}
	const seen = new Set<string>();
	for (const v of planned) {
		const count = input.continuity[v.clientId] ?? 0;
		if (count >= CONTINUITY_HINT_FROM && !seen.has(v.clientId)) {
			seen.add(v.clientId);
			hints.push({ kind: 'continuity', clientId: v.clientId, count });
		}
	}
	return hints;
}
