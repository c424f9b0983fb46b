/**
 * Competence coverage (DESIGN.md §1: managers see competence coverage): for a team, a week and
 * each day part, who is at work and holds each competence the team's clients need, and where a
 * time-critical visit (one needing a delegation: insulin, medication) has nobody present who
 * holds the delegation. Pure: the caller gathers members, absences, visits and the catalogue.
 * Rules CV1–CV4 in SPEC.md.
 */
import { competenceValidOn } from './rules';
import { DAY_PARTS, type DayPart, type HeldCompetence, type IsoDate } from './types';

export interface CoverageMember {
	id: string;
	name: string;
	/** A home member of the team (works there every day). */
	home: boolean;
	/** Days the person is lent to the team. */
	lentOn: readonly IsoDate[];
	competences: readonly HeldCompetence[];
}

/** Away the whole day, or the listed day parts. */
export type CoverageAbsence = 'day' | readonly DayPart[];

export interface CoverageVisit {
	clientId: string;
	date: IsoDate;
	dayPart: DayPart;
	services: readonly string[];
	/** Only `planned` and `done` visits need anybody (CV4). */
	status: string;
}

export interface CoverageInput {
	dates: readonly IsoDate[];
	members: readonly CoverageMember[];
	/** staffId → date → absence. */
	absences: Readonly<Record<string, Readonly<Record<IsoDate, CoverageAbsence>>>>;
	visits: readonly CoverageVisit[];
	/** Services granted to the team's clients by decisions in force in the period. */
	grantedServices: readonly string[];
	/** serviceCode → the competence codes it requires. */
	requirements: Readonly<Record<string, readonly string[]>>;
	/** Competence codes that are delegations. */
	delegations: readonly string[];
}

export interface CoveragePerson {
	id: string;
	name: string;
}

export interface CoverageGap {
	competence: string;
	/** The clients whose visits need it, distinct, in the order their visits came. */
	clientIds: string[];
	visits: number;
}

export interface CoverageSlot {
	date: IsoDate;
	dayPart: DayPart;
	/** Members at work in this day part (CV2), by name. */
	present: CoveragePerson[];
	/** competence → present members who hold it valid on the day (CV3), by name. */
	holders: Record<string, CoveragePerson[]>;
	/** Delegations needed by time-critical visits that nobody present holds (CV4). */
	gaps: CoverageGap[];
}

export interface Coverage {
	/** Competences the team needs (CV1): delegations first, then by code. */
	competences: string[];
	/** One slot per date and day part, in date and day-part order. */
	slots: CoverageSlot[];
}

const NEEDING_STATUSES = new Set(['planned', 'done']);
const collator = new Intl.Collator('sv');
const byName = (a: CoveragePerson, b: CoveragePerson) =>
	collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * CV1: the competences required by any service of the team's planned or done visits, or
 * granted to its clients — delegations first, then in code order.
 */
export function neededCompetences(
	input: Pick<CoverageInput, 'visits' | 'grantedServices' | 'requirements' | 'delegations'>
): string[] {
	const services = new Set(input.grantedServices);
	for (const v of input.visits) {
		if (NEEDING_STATUSES.has(v.status)) for (const s of v.services) services.add(s);
	}
	const codes = new Set<string>();
	for (const s of services) for (const c of input.requirements[s] ?? []) codes.add(c);
	const delegation = new Set(input.delegations);
	return [...codes].sort(
		(a, b) => Number(delegation.has(b)) - Number(delegation.has(a)) || (a < b ? -1 : a > b ? 1 : 0)
	);
}

/**
 * CV2: at work in the team in this day part — a home member, or lent to the team that day —
 * and not away that day part (an absence of the whole day covers every day part).
 */
export function presentIn(
	member: CoverageMember,
	absences: CoverageInput['absences'],
	date: IsoDate,
	dayPart: DayPart
): boolean {
	if (!member.home && !member.lentOn.includes(date)) return false;
	const away = absences[member.id]?.[date];
	if (away === undefined) return true;
	return away !== 'day' && !away.includes(dayPart);
}

/** CV3: holds the competence, valid on the date. */
export function holdsOn(member: CoverageMember, code: string, date: IsoDate): boolean {
	return member.competences.some((c) => c.code === code && competenceValidOn(c, date));
}

/** Every day part of every date: who is present, who holds what, and the gaps (CV1–CV4). */
export function coverageOf(input: CoverageInput): Coverage {
	const competences = neededCompetences(input);
	const delegation = new Set(input.delegations);
	const slots: CoverageSlot[] = [];
	for (const date of input.dates) {
		for (const dayPart of DAY_PARTS) {
			const presentMembers = input.members.filter((m) =>
				presentIn(m, input.absences, date, dayPart)
			);
			const present = presentMembers.map(({ id, name }) => ({ id, name })).sort(byName);
			const holders: Record<string, CoveragePerson[]> = {};
			for (const code of competences) {
				holders[code] = presentMembers
					.filter((m) => holdsOn(m, code, date))
					.map(({ id, name }) => ({ id, name }))
					.sort(byName);
			}
			slots.push({ date, dayPart, present, holders, gaps: gapsOf(input, date, dayPart, holders) });
		}
	}
	return { competences, slots };

	function gapsOf(
		inp: CoverageInput,
		date: IsoDate,
		dayPart: DayPart,
		holders: Record<string, CoveragePerson[]>
	): CoverageGap[] {
		const byCode = new Map<string, CoverageGap>();
		for (const v of inp.visits) {
			if (v.date !== date || v.dayPart !== dayPart || !NEEDING_STATUSES.has(v.status)) continue;
			const needed = new Set(
				v.services.flatMap((s) => inp.requirements[s] ?? []).filter((c) => delegation.has(c))
			);
			for (const code of needed) {
				if ((holders[code]?.length ?? 0) > 0) continue;
				const gap = byCode.get(code) ?? { competence: code, clientIds: [], visits: 0 };
				gap.visits += 1;
				if (!gap.clientIds.includes(v.clientId)) gap.clientIds.push(v.clientId);
				byCode.set(code, gap);
			}
		}
		return [...byCode.values()].sort((a, b) =>
			a.competence < b.competence ? -1 : a.competence > b.competence ? 1 : 0
		);
	}
}
