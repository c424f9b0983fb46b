/**
 * What the authority needs to judge a board's visits: the team's clients and decisions, the
 * staff on duty (home members and lent staff, minus absences) with their competences, the
 * catalogue, the organisation's tolerance, and the frame usage that is not on this board —
 * recorded time and other weeks' planned visits. Loaded once per room and refreshed while
 * the room is in use, so each check stays synchronous and cheap.
 */
import { effectiveTimeEntries, holdsEstimate } from '$lib/domain/frame';
import { isValidIsoDate } from '$lib/domain/periods';
import type {
	Decision,
	DayPart,
	FramePeriodRange,
	HeldCompetence,
	IsoDate,
	ServiceDefinition,
	StaffOnDuty,
	TimeEntry,
	VisitStatus
} from '$lib/domain/types';
import type { AbsenceValue, BoardVisit } from '$lib/board/schema';

export interface TeamMember {
	id: string;
	name: string;
	competences: HeldCompetence[];
	/** A home member of the team (otherwise only lent on `lentOn` days). */
	home: boolean;
	lentOn: IsoDate[];
}

/** A planned visit held on another board (another week), as the projection has it. */
export interface ExternalVisit {
	id: string;
	clientId: string;
	room: string;
	date: IsoDate;
	minutes: number;
	status: VisitStatus;
}

export interface Named {
	sv: string;
	en: string;
}

export interface TeamContext {
	organisationId: string;
	unitId: string | null;
	teamId: string;
	/** The board's ISO week. */
	week: string;
	/** Every day any frame period touching the week covers (months and the week itself). */
	range: { start: IsoDate; end: IsoDate };
	toleranceMinutes: number;
	services: Record<string, ServiceDefinition>;
	serviceNames: Record<string, Named>;
	competenceNames: Record<string, Named>;
	clients: Map<string, { id: string; name: string }>;
	decisions: Map<string, Decision[]>;
	staff: Map<string, TeamMember>;
	/** Absences of the team's staff during the week (authoritative, from the database). */
	absences: Record<string, Record<IsoDate, AbsenceValue>>;
	/** Time entries that count (corrections resolved) of the team's clients in `range`. */
	timeEntries: TimeEntry[];
	/**
	 * Visits of the team's clients in `range` that time was recorded for (any report): a done
	 * visit not among them still holds its estimate (F4).
	 */
	reportedVisits: ReadonlySet<string>;
	/**
	 * Names of the organisation's staff, to name in a verdict someone assigned who does not work
	 * in the team that day (who is not in `staff`).
	 */
	staffNames: ReadonlyMap<string, string>;
	/** Visits of the team's clients in `range` on other boards, from the projection. */
	externalVisits: ExternalVisit[];
	loadedAt: number;
}

export interface TeamContextSource {
	load(teamId: string, week: string, room: string): Promise<TeamContext | null>;
}

const onDutyCache = new WeakMap<TeamContext, Map<string, Record<string, StaffOnDuty>>>();

function absentIn(
	absences: TeamContext['absences'],
	staffId: string,
	date: IsoDate,
	dayPart: DayPart
): boolean {
	const value = absences[staffId]?.[date];
	return value !== undefined && (value === 'day' || value.includes(dayPart));
}

/**
 * Staff who may be assigned in the team on `date` in `dayPart`: home members and staff lent
 * to the team that day, except those absent then.
 */
export function staffOnDuty(
	ctx: TeamContext,
	date: IsoDate,
	dayPart: DayPart
): Record<string, StaffOnDuty> {
	if (typeof date !== 'string' || !isValidIsoDate(date)) return {};
	let cache = onDutyCache.get(ctx);
	if (!cache) onDutyCache.set(ctx, (cache = new Map()));
	const key = `${date}|${dayPart}`;
	const cached = cache.get(key);
	if (cached) return cached;
	const result: Record<string, StaffOnDuty> = {};
	for (const member of ctx.staff.values()) {
		if (!member.home && !member.lentOn.includes(date)) continue;
		if (absentIn(ctx.absences, member.id, date, dayPart)) continue;
		result[member.id] = { id: member.id, name: member.name, competences: member.competences };
	}
	cache.set(key, result);
	return result;
}

/**
 * Why an assignee cannot be on a visit that day, with a name for the verdict: a colleague
 * from another team is named too; `name` is null only for an id that is nobody in the
 * organisation.
 */
export function offDutyReason(
	ctx: TeamContext,
	staffId: string,
	date: IsoDate,
	dayPart: DayPart
): { staffId: string; name: string | null; absent: boolean } {
	const member = ctx.staff.get(staffId);
	const working = member && (member.home || member.lentOn.includes(date));
	return {
		staffId,
		name: member?.name ?? ctx.staffNames.get(staffId) ?? null,
		absent: Boolean(working && absentIn(ctx.absences, staffId, date, dayPart))
	};
}

/**
 * The minutes a visit holds in its frame period (F4): its estimate while planned, and while
 * done with no time recorded for it yet; nothing otherwise.
 */
export function estimateOf(
	ctx: TeamContext,
	visit: Pick<BoardVisit, 'id' | 'status' | 'minutes'>
): number {
	return holdsEstimate(visit, ctx.reportedVisits.has(visit.id)) && typeof visit.minutes === 'number'
		? visit.minutes
		: 0;
}

interface ClientIndex {
	entries: Map<string, TimeEntry[]>;
	external: Map<string, ExternalVisit[]>;
}
const clientIndexCache = new WeakMap<TeamContext, ClientIndex>();

function clientIndex(ctx: TeamContext): ClientIndex {
	let index = clientIndexCache.get(ctx);
	if (index) return index;
	index = { entries: new Map(), external: new Map() };
	for (const e of ctx.timeEntries) {
		const list = index.entries.get(e.clientId) ?? [];
		list.push(e);
		index.entries.set(e.clientId, list);
	}
	for (const v of ctx.externalVisits) {
		const list = index.external.get(v.clientId) ?? [];
		list.push(v);
		index.external.set(v.clientId, list);
	}
	clientIndexCache.set(ctx, index);
	return index;
}

/** `YYYY-MM-DD` strings order like the days they name. */
export const inPeriod = (date: IsoDate, period: { start: IsoDate; end: IsoDate }) =>
	date >= period.start && date <= period.end;

/** Minutes recorded for `clientId` in `period` (effective entries only). */
export function usedMinutes(ctx: TeamContext, clientId: string, period: FramePeriodRange): number {
	let sum = 0;
	for (const entry of clientIndex(ctx).entries.get(clientId) ?? []) {
		if (inPeriod(entry.date, period)) sum += entry.minutes;
	}
	return sum;
}

/** The client's visits in the projection on other boards than this one. */
export function externalVisitsOf(ctx: TeamContext, clientId: string): ExternalVisit[] {
	return clientIndex(ctx).external.get(clientId) ?? [];
}

/** Resolves corrections (T1) over raw entries in recording order. */
export function countedEntries(entries: TimeEntry[]): TimeEntry[] {
	return effectiveTimeEntries(entries);
}
