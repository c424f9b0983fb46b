/**
 * What a case officer may write into a decision (SPEC.md D1–D6): plain checks over plain data,
 * shared by the decision form and the CSV import so both refuse the same things with the same
 * reasons. A decision is never changed in place; a change or an early end is a new version
 * that replaces the old one, so overlaps are judged against the other versions in force.
 */
import { compareDates, isValidIsoDate } from './periods';
import { FRAME_PERIODS, type FramePeriod, type IsoDate } from './types';

/** The fields of a decision version as the case officer sets them. */
export interface DecisionFields {
	validFrom: IsoDate;
	/** Inclusive last day; `null` when open-ended. */
	validTo: IsoDate | null;
	frameMinutes: number;
	framePeriod: FramePeriod;
	/** Service codes, sorted, without duplicates. */
	services: string[];
}

/** A decision as typed into a form or read from a file: every value still text. */
export interface DecisionDraft {
	validFrom: string;
	validTo: string;
	frameMinutes: string;
	framePeriod: string;
	services: readonly string[];
}

export type DecisionField = keyof DecisionFields;

export type DecisionErrorCode =
	| 'invalid-date'
	| 'ends-before-start'
	| 'frame-not-whole'
	| 'frame-not-positive'
	| 'frame-not-step'
	| 'frame-too-large'
	| 'no-services'
	| 'unknown-service'
	| 'invalid-period'
	| 'overlap'
	| 'end-not-earlier'
	| 'unchanged';

export interface DecisionError {
	field: DecisionField;
	code: DecisionErrorCode;
	/** The offending service code (`unknown-service`). */
	service?: string;
	/** The version in force it overlaps (`overlap`). */
	other?: DecisionRange;
}

export interface DecisionRange {
	validFrom: IsoDate;
	validTo: IsoDate | null;
}

/** A frame is a whole number of minutes in steps of 5 (D2). */
export const FRAME_STEP_MINUTES = 5;

/** The largest frame a period can hold: every minute of its longest instance (D2). */
export const MAX_FRAME_MINUTES: Record<FramePeriod, number> = {
	week: 7 * 24 * 60,
	month: 31 * 24 * 60
};

export type DecisionCheck =
	{ ok: true; fields: DecisionFields } | { ok: false; errors: DecisionError[] };

function isFramePeriod(value: string): value is FramePeriod {
	return (FRAME_PERIODS as readonly string[]).includes(value);
}

/**
 * Checks a draft against D1 (dates), D2 (frame), D3 (services from the catalogue, at least
 * one) and D5 (period) and returns every problem, one per field at most except unknown
 * services, which are each named. Never throws, whatever the draft holds.
 */
export function checkDecisionDraft(
	draft: DecisionDraft,
	catalogue: ReadonlySet<string>
): DecisionCheck {
	const errors: DecisionError[] = [];
	const validFrom = String(draft.validFrom ?? '').trim();
	const validToText = String(draft.validTo ?? '').trim();
	const fromOk = isValidIsoDate(validFrom);
	if (!fromOk) errors.push({ field: 'validFrom', code: 'invalid-date' });
	let validTo: IsoDate | null = null;
	if (validToText !== '') {
		if (!isValidIsoDate(validToText)) errors.push({ field: 'validTo', code: 'invalid-date' });
		else {
			validTo = validToText;
			if (fromOk && compareDates(validTo, validFrom) < 0) {
				errors.push({ field: 'validTo', code: 'ends-before-start' });
			}
		}
	}

	const periodText = String(draft.framePeriod ?? '').trim();
	const period = isFramePeriod(periodText) ? periodText : null;
	if (!period) errors.push({ field: 'framePeriod', code: 'invalid-period' });

	const frameText = String(draft.frameMinutes ?? '').trim();
	let frameMinutes = Number.NaN;
	if (!/^[+-]?\d{1,9}$/.test(frameText)) {
		errors.push({ field: 'frameMinutes', code: 'frame-not-whole' });
	} else {
		frameMinutes = Number(frameText);
		if (frameMinutes <= 0) errors.push({ field: 'frameMinutes', code: 'frame-not-positive' });
		else if (frameMinutes % FRAME_STEP_MINUTES !== 0) {
			errors.push({ field: 'frameMinutes', code: 'frame-not-step' });
		} else if (frameMinutes > MAX_FRAME_MINUTES[period ?? 'month']) {
			errors.push({ field: 'frameMinutes', code: 'frame-too-large' });
		}
	}

	const services = [
		...new Set(
			(Array.isArray(draft.services) ? draft.services : [])
				.map((s) => String(s).trim())
				.filter(Boolean)
		)
	].sort();
	if (services.length === 0) errors.push({ field: 'services', code: 'no-services' });
	for (const code of services) {
		if (!catalogue.has(code))
			errors.push({ field: 'services', code: 'unknown-service', service: code });
	}

	if (errors.length > 0 || !period) return { ok: false, errors };
	return { ok: true, fields: { validFrom, validTo, frameMinutes, framePeriod: period, services } };
}

/** True when the two validity ranges share at least one day (`null` = open-ended). */
export function rangesOverlap(a: DecisionRange, b: DecisionRange): boolean {
	const aStartsBeforeBEnds = b.validTo === null || compareDates(a.validFrom, b.validTo) <= 0;
	const bStartsBeforeAEnds = a.validTo === null || compareDates(b.validFrom, a.validTo) <= 0;
	return aStartsBeforeBEnds && bStartsBeforeAEnds;
}

/**
 * D4: the first of a client's versions in force (other than `replacesId`, the version a change
 * replaces) whose validity overlaps the candidate's, or `undefined` when none does.
 */
export function overlappingDecision<T extends DecisionRange & { id: string }>(
	candidate: DecisionRange,
	inForce: readonly T[],
	replacesId: string | null = null
): T | undefined {
	return inForce.find((d) => d.id !== replacesId && rangesOverlap(candidate, d));
}

/** The D4 error for a candidate, or none. */
export function overlapErrors(
	candidate: DecisionRange,
	inForce: readonly (DecisionRange & { id: string })[],
	replacesId: string | null = null
): DecisionError[] {
	const other = overlappingDecision(candidate, inForce, replacesId);
	return other
		? [
				{
					field: 'validFrom',
					code: 'overlap',
					other: { validFrom: other.validFrom, validTo: other.validTo }
				}
			]
		: [];
}

/** True when two versions grant exactly the same (services compared as sets). */
export function sameDecision(a: DecisionFields, b: DecisionFields): boolean {
	const services = (s: string[]) => [...new Set(s)].sort().join('|');
	return (
		a.validFrom === b.validFrom &&
		a.validTo === b.validTo &&
		a.frameMinutes === b.frameMinutes &&
		a.framePeriod === b.framePeriod &&
		services(a.services) === services(b.services)
	);
}

/**
 * D6: ending a version early. The new last day must be a date, on or after the version's first
 * day (D1), and earlier than its current last day (any day when it is open-ended). The result
 * is the fields of the new version that replaces it.
 */
export function checkEarlyEnd(current: DecisionFields, endText: string): DecisionCheck {
	const end = String(endText ?? '').trim();
	if (!isValidIsoDate(end))
		return { ok: false, errors: [{ field: 'validTo', code: 'invalid-date' }] };
	if (compareDates(end, current.validFrom) < 0) {
		return { ok: false, errors: [{ field: 'validTo', code: 'ends-before-start' }] };
	}
	if (current.validTo !== null && compareDates(end, current.validTo) >= 0) {
		return { ok: false, errors: [{ field: 'validTo', code: 'end-not-earlier' }] };
	}
	return { ok: true, fields: { ...current, validTo: end } };
}
