/**
 * The rules the server enforces on every visit (DESIGN.md §3): decision limits and competence,
 * plus the layout a visit must have to be checked at all. Everything else on the board is the
 * team's to decide. Rule IDs (M1–M9, DL1–DL3, C1) refer to SPEC.md.
 */
import {
	compareDates,
	daysBetween,
	decisionCovering,
	framePeriodOf,
	isoWeekRange,
	isValidIsoDate,
	isWithin
} from './periods';
import { holdsEstimate } from './frame';
import {
	DAY_PARTS,
	VISIT_STATUSES,
	type Decision,
	type FramePeriodRange,
	type HeldCompetence,
	type IsoDate,
	type RuleContext,
	type ServiceDefinition,
	type StaffOnDuty,
	type Violation,
	type Visit
} from './types';

/** Smallest and largest visit estimate, and its step (M4). */
export const VISIT_MINUTES = { min: 5, max: 480, step: 5 } as const;

/** Why a visit is malformed, in the order they are checked (M1–M9). */
export const MALFORMED_REASONS = [
	'unknown-client',
	'invalid-date',
	'date-outside-week',
	'invalid-minutes',
	'unknown-day-part',
	'unknown-status',
	'no-services',
	'unknown-service',
	'unknown-assignee'
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

/** A service catalogue: by code (as in `RuleContext.services`) or as a list. */
export type ServiceCatalogue =
	Readonly<Record<string, ServiceDefinition>> | readonly ServiceDefinition[];

function serviceDefinition(
	catalogue: ServiceCatalogue,
	code: string
): ServiceDefinition | undefined {
	if (Array.isArray(catalogue)) {
		return (catalogue as readonly ServiceDefinition[]).find((s) => s.code === code);
	}
	const byCode = catalogue as Readonly<Record<string, ServiceDefinition>>;
	return Object.hasOwn(byCode, code) ? byCode[code] : undefined;
}

/**
 * Every competence code that at least one of `services` requires, sorted and without repeats.
 * Codes missing from the catalogue require nothing here; the rule check reports them as
 * malformed (M8) on its own.
 */
export function requiredCompetences(
	services: readonly string[],
	catalogue: ServiceCatalogue
): string[] {
	const required = new Set<string>();
	for (const code of services) {
		for (const competence of serviceDefinition(catalogue, code)?.requires ?? []) {
			required.add(competence);
		}
	}
	return [...required].sort();
}

/** True when a held competence is valid on `date`: validFrom ≤ date ≤ validTo (null = no end). */
export function competenceValidOn(held: HeldCompetence, date: IsoDate): boolean {
	return (
		compareDates(held.validFrom, date) <= 0 &&
		(held.validTo === null || compareDates(date, held.validTo) <= 0)
	);
}

/** The codes of `required` that `staff` does not hold validly on `date`, in the given order. */
export function missingCompetences(
	staff: StaffOnDuty,
	required: readonly string[],
	date: IsoDate
): string[] {
	return required.filter(
		(code) => !staff.competences.some((held) => held.code === code && competenceValidOn(held, date))
	);
}

/**
 * Whether `staff` may take a visit with `services` on `date` as far as competence goes (C1):
 * what the board uses to grey out people who could not be assigned. Same answer as the server.
 */
export function staffCanTake(
	staff: StaffOnDuty,
	services: readonly string[],
	catalogue: ServiceCatalogue,
	date: IsoDate
): boolean {
	return missingCompetences(staff, requiredCompetences(services, catalogue), date).length === 0;
}

const collator = new Intl.Collator('sv');

/** Staff in `staff` holding every competence `required` on `date`, sorted by name (C1). */
export function qualifiedStaff(
	staff: Readonly<Record<string, StaffOnDuty>>,
	required: readonly string[],
	date: IsoDate,
	exclude: ReadonlySet<string> = new Set()
): { staffId: string; name: string }[] {
	return Object.entries(staff)
		.filter(([id, s]) => !exclude.has(id) && missingCompetences(s, required, date).length === 0)
		.map(([id, s]) => ({ staffId: id, name: s.name }))
		.sort((a, b) => collator.compare(a.name, b.name) || (a.staffId < b.staffId ? -1 : 1));
}

function isStringList(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * The first layout rule (M1–M9) the visit breaks, or null. Checked defensively: the visit may
 * come straight off the wire, whatever its declared type says.
 */
export function malformedReason(visit: Visit, ctx: RuleContext): MalformedReason | null {
	if (!ctx.client || typeof visit.clientId !== 'string' || ctx.client.id !== visit.clientId) {
		return 'unknown-client';
	}
	if (typeof visit.date !== 'string' || !isValidIsoDate(visit.date)) return 'invalid-date';
	let week: FramePeriodRange;
	try {
		week = isoWeekRange(ctx.docWeek);
	} catch {
		return 'date-outside-week';
	}
	if (!isWithin(visit.date, week)) return 'date-outside-week';
	const { minutes } = visit;
	if (
		typeof minutes !== 'number' ||
		!Number.isInteger(minutes) ||
		minutes < VISIT_MINUTES.min ||
		minutes > VISIT_MINUTES.max ||
		minutes % VISIT_MINUTES.step !== 0
	) {
		return 'invalid-minutes';
	}
	if (!(DAY_PARTS as readonly unknown[]).includes(visit.dayPart)) return 'unknown-day-part';
	if (!(VISIT_STATUSES as readonly unknown[]).includes(visit.status)) return 'unknown-status';
	if (!isStringList(visit.services)) return 'unknown-service';
	if (visit.services.length === 0) return 'no-services';
	if (visit.services.some((code) => !serviceDefinition(ctx.services, code))) {
		return 'unknown-service';
	}
	if (!isStringList(visit.assignees)) return 'unknown-assignee';
	if (visit.assignees.some((id) => !Object.hasOwn(ctx.staff, id))) return 'unknown-assignee';
	return null;
}

/** The decision nearest in time to `date` among those not covering it, for a DL1 verdict. */
function nearestDecision(decisions: readonly Decision[], date: IsoDate): Decision | undefined {
	let best: { decision: Decision; distance: number; after: boolean } | undefined;
	for (const decision of decisions) {
		const after = compareDates(decision.validFrom, date) > 0;
		const distance = after
			? daysBetween(date, decision.validFrom)
			: decision.validTo === null
				? 0
				: daysBetween(decision.validTo, date);
		// Equal distance: prefer the decision still to come, which is where planning can go.
		if (!best || distance < best.distance || (distance === best.distance && after && !best.after)) {
			best = { decision, distance, after };
		}
	}
	return best?.decision;
}

/** Minutes the visit's previous state already planned in `period` (0 if none there). */
function previousPlannedMinutes(visit: Visit, ctx: RuleContext, period: FramePeriodRange): number {
	const previous = ctx.previous;
	if (
		!previous ||
		!holdsEstimate(previous, ctx.reported?.(previous.id) ?? false) ||
		previous.clientId !== visit.clientId ||
		typeof previous.minutes !== 'number' ||
		typeof previous.date !== 'string' ||
		!isValidIsoDate(previous.date) ||
		!isWithin(previous.date, period)
	) {
		return 0;
	}
	return previous.minutes;
}

/**
 * Every rule the visit breaks, or an empty list when the server accepts it. A malformed visit
 * (M1–M9) yields only that one violation, as nothing else can be judged. A cancelled or
 * declined visit needs nobody and uses no frame, so only its layout is checked. A visit
 * without a decision on its date (DL1) is not judged on scope or frame either, which would
 * have no decision to compare with; competence (C1) is judged on every visit still going
 * ahead. A done visit is judged like a planned one; once its time is recorded it plans no
 * minutes (its real time is in the time entries, which are never refused), but until then it
 * holds its estimate and is judged on the frame too (F4).
 */
export function checkVisit(visit: Visit, ctx: RuleContext): Violation[] {
	const reason = malformedReason(visit, ctx);
	if (reason) return [{ rule: 'malformed', reason }];
	if (visit.status === 'cancelled' || visit.status === 'declined') return [];

	const violations: Violation[] = [];
	const decisions = ctx.decisions.filter((d) => d.clientId === visit.clientId);
	const decision = decisionCovering(decisions, visit.date);

	if (!decision) {
		const nearest = nearestDecision(decisions, visit.date);
		violations.push({
			rule: 'decision-validity',
			date: visit.date,
			...(nearest ? { nearest: { validFrom: nearest.validFrom, validTo: nearest.validTo } } : {})
		});
	} else {
		const services = [...new Set(visit.services)];
		const notGranted = services.filter((code) => !decision.services.includes(code));
		if (notGranted.length > 0) {
			violations.push({ rule: 'decision-scope', notGranted, granted: [...decision.services] });
		}
		if (holdsEstimate(visit, ctx.reported?.(visit.id) ?? false)) {
			const frame = checkFrame(visit, ctx, decision);
			if (frame) violations.push(frame);
		}
	}

	const competence = checkCompetence(visit, ctx);
	if (competence) violations.push(competence);
	return violations;
}

/**
 * DL3: used + other planned + this visit may not exceed frame + tolerance; equal is allowed. A
 * change that adds no minutes to the period (a new assignee, another day part, a shorter
 * estimate) is never refused, even in a period already over its frame: recorded time can
 * overdraw a frame, and the team must still be able to rearrange and shrink what is planned.
 */
function checkFrame(visit: Visit, ctx: RuleContext, decision: Decision): Violation | undefined {
	const period = framePeriodOf(decision.framePeriod, visit.date);
	const usage = ctx.frameUsage(period);
	const toleranceMinutes = ctx.frameToleranceMinutes;
	const limit = decision.frameMinutes + toleranceMinutes;
	const addedMinutes = visit.minutes - previousPlannedMinutes(visit, ctx, period);
	const total = usage.usedMinutes + usage.otherPlannedMinutes + visit.minutes;
	if (total <= limit || addedMinutes <= 0) return undefined;
	return {
		rule: 'frame-limit',
		period,
		frameMinutes: decision.frameMinutes,
		toleranceMinutes,
		usedMinutes: usage.usedMinutes,
		plannedMinutes: usage.otherPlannedMinutes,
		addedMinutes,
		leftMinutes: Math.max(0, limit - usage.usedMinutes - usage.otherPlannedMinutes)
	};
}

/** C1: every assignee holds every competence the services require, valid on the visit's date. */
function checkCompetence(visit: Visit, ctx: RuleContext): Violation | undefined {
	const required = requiredCompetences(visit.services, ctx.services);
	if (required.length === 0) return undefined;
	const assignees = [...new Set(visit.assignees)];
	const missing = assignees
		.map((id) => ({
			staffId: id,
			name: ctx.staff[id].name,
			competences: missingCompetences(ctx.staff[id], required, visit.date)
		}))
		.filter((m) => m.competences.length > 0);
	if (missing.length === 0) return undefined;
	return {
		rule: 'competence',
		missing,
		qualified: qualifiedStaff(ctx.staff, required, visit.date, new Set(assignees))
	};
}
