/**
 * Competences and delegations held by a person (SPEC.md "Competences", K1–K6): what a manager
 * may issue, renew and end early, which delegations are about to run out, and the days of a
 * loan to another team. Plain functions over plain data; the services store the results.
 */
import { addDays, compareDates, daysBetween, isValidIsoDate } from './periods';
import type { IsoDate } from './types';

/** Longest name of an issuing nurse that is stored. */
export const MAX_ISSUER_LENGTH = 120;
/** A loan covers at most this many days at once (one membership row per day). */
export const MAX_LOAN_DAYS = 92;

export type CompetenceError =
	| 'invalid-valid-from'
	| 'invalid-valid-to'
	| 'valid-to-before-valid-from'
	| 'delegation-needs-issuer'
	| 'issuer-too-long'
	| 'delegation-needs-end'
	| 'delegation-longer-than-a-year'
	| 'not-renewable-open-ended'
	| 'already-renewed'
	| 'end-not-earlier'
	| 'invalid-loan-range'
	| 'loan-starts-in-past'
	| 'loan-too-long';

export interface CompetenceGrant {
	validFrom: string;
	validTo: string | null;
	/** The issuing nurse; only delegations need one. */
	issuedBy: string | null;
	isDelegation: boolean;
}

/** A row of a person's competences, as stored. */
export interface HeldGrant {
	id: string;
	competenceCode: string;
	validFrom: IsoDate;
	validTo: IsoDate | null;
	issuedBy: string | null;
}

/**
 * The last day a delegation starting on `validFrom` may run (K2): the day before the same
 * date one year later. From 29 February the year ends on 28 February, so the last day is
 * 27 February; a year is therefore 365 or 366 days, never more.
 */
export function maxDelegationEnd(validFrom: IsoDate): IsoDate {
	const year = Number(validFrom.slice(0, 4)) + 1;
	const rest = validFrom.slice(4);
	const sameDay = `${String(year).padStart(4, '0')}${rest}`;
	const anniversary = isValidIsoDate(sameDay) ? sameDay : `${String(year).padStart(4, '0')}-02-28`;
	return addDays(anniversary, -1);
}

/** Checks a competence about to be issued (K1, K2). An empty list means it may be stored. */
export function checkGrant(grant: CompetenceGrant): CompetenceError[] {
	const errors: CompetenceError[] = [];
	const fromOk = isValidIsoDate(grant.validFrom);
	const toOk = grant.validTo === null || isValidIsoDate(grant.validTo);
	if (!fromOk) errors.push('invalid-valid-from');
	if (!toOk) errors.push('invalid-valid-to');
	const issuer = grant.issuedBy?.trim() ?? '';
	if (issuer.length > MAX_ISSUER_LENGTH) errors.push('issuer-too-long');
	if (grant.isDelegation && issuer === '') errors.push('delegation-needs-issuer');
	if (grant.isDelegation && grant.validTo === null) errors.push('delegation-needs-end');
	if (!fromOk || !toOk || grant.validTo === null) return errors;
	if (compareDates(grant.validTo, grant.validFrom) < 0) {
		errors.push('valid-to-before-valid-from');
	} else if (
		grant.isDelegation &&
		compareDates(grant.validTo, maxDelegationEnd(grant.validFrom)) > 0
	) {
		errors.push('delegation-longer-than-a-year');
	}
	return errors;
}

export type RenewalResult =
	{ ok: true; grant: CompetenceGrant } | { ok: false; errors: CompetenceError[] };

/**
 * A renewal (K3) continues a competence from the day after `old` ends, as a new row; the old
 * row is kept as it was. Only a competence with an end can be renewed, and only once: when
 * another row of the same competence already starts by the day after its end, it is renewed.
 */
export function renewal(
	old: HeldGrant,
	sameCompetence: readonly HeldGrant[],
	next: { validTo: string | null; issuedBy: string | null; isDelegation: boolean }
): RenewalResult {
	if (old.validTo === null) return { ok: false, errors: ['not-renewable-open-ended'] };
	if (isRenewed(old, sameCompetence)) return { ok: false, errors: ['already-renewed'] };
	const grant: CompetenceGrant = {
		validFrom: addDays(old.validTo, 1),
		validTo: next.validTo,
		issuedBy: next.issuedBy,
		isDelegation: next.isDelegation
	};
	const errors = checkGrant(grant);
	return errors.length > 0 ? { ok: false, errors } : { ok: true, grant };
}

/** True when another row of the same competence takes over no later than the day after `old` ends. */
export function isRenewed(old: HeldGrant, sameCompetence: readonly HeldGrant[]): boolean {
	if (old.validTo === null) return false;
	const dayAfter = addDays(old.validTo, 1);
	return sameCompetence.some(
		(other) =>
			other.id !== old.id &&
			other.competenceCode === old.competenceCode &&
			compareDates(other.validFrom, dayAfter) <= 0 &&
			(other.validTo === null || compareDates(other.validTo, old.validTo!) > 0)
	);
}

/**
 * Ending early (K4): the new last day lies on or after the first day and before the current
 * last day (any day on or after the first when the competence had no end).
 */
export function checkEarlyEnd(held: HeldGrant, newValidTo: string): CompetenceError[] {
	if (!isValidIsoDate(newValidTo)) return ['invalid-valid-to'];
	if (compareDates(newValidTo, held.validFrom) < 0) return ['valid-to-before-valid-from'];
	if (held.validTo !== null && compareDates(newValidTo, held.validTo) >= 0) {
		return ['end-not-earlier'];
	}
	return [];
}

/**
 * Delegations that run out within `days` days from `today` (K5): last day in
 * [today, today + days], not renewed (K3), soonest first.
 */
export function delegationsEndingWithin<T extends HeldGrant & { staffId: string }>(
	grants: readonly T[],
	today: IsoDate,
	days: number
): T[] {
	const last = addDays(today, days);
	const byPersonAndCode = new Map<string, T[]>();
	for (const g of grants) {
		const key = `${g.staffId} ${g.competenceCode}`;
		byPersonAndCode.set(key, [...(byPersonAndCode.get(key) ?? []), g]);
	}
	return grants
		.filter(
			(g) =>
				g.validTo !== null &&
				compareDates(g.validTo, today) >= 0 &&
				compareDates(g.validTo, last) <= 0 &&
				!isRenewed(g, byPersonAndCode.get(`${g.staffId} ${g.competenceCode}`) ?? [])
		)
		.sort((a, b) => compareDates(a.validTo!, b.validTo!) || a.id.localeCompare(b.id));
}

export type LoanResult = { ok: true; days: IsoDate[] } | { ok: false; errors: CompetenceError[] };

/**
 * The days of a loan from `from` to `to` inclusive (K6): valid dates, in order, starting today
 * or later, at most 92 days.
 */
export function loanDays(from: string, to: string, today: IsoDate): LoanResult {
	if (!isValidIsoDate(from) || !isValidIsoDate(to) || compareDates(to, from) < 0) {
		return { ok: false, errors: ['invalid-loan-range'] };
	}
	if (compareDates(from, today) < 0) return { ok: false, errors: ['loan-starts-in-past'] };
	const count = daysBetween(from, to) + 1;
	if (count > MAX_LOAN_DAYS) return { ok: false, errors: ['loan-too-long'] };
	return { ok: true, days: Array.from({ length: count }, (_, i) => addDays(from, i)) };
}

export interface LoanRun {
	teamId: string;
	from: IsoDate;
	to: IsoDate;
}

/** Groups lent days into runs of consecutive days per team (K6), in date order. */
export function loanRuns(rows: readonly { teamId: string; lentOn: IsoDate }[]): LoanRun[] {
	const sorted = [...rows].sort(
		(a, b) => compareDates(a.lentOn, b.lentOn) || a.teamId.localeCompare(b.teamId)
	);
	const runs: LoanRun[] = [];
	for (const row of sorted) {
		const open = runs.findLast((r) => r.teamId === row.teamId);
		if (open && open.to === row.lentOn) continue;
		if (open && daysBetween(open.to, row.lentOn) === 1) open.to = row.lentOn;
		else runs.push({ teamId: row.teamId, from: row.lentOn, to: row.lentOn });
	}
	return runs.sort((a, b) => compareDates(a.from, b.from) || a.teamId.localeCompare(b.teamId));
}
