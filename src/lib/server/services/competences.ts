/**
 * Competences and delegations on a person's page: issue from the organisation's catalogue,
 * renew (a new row continuing from the old end) and end early (K1–K5 in SPEC.md). Scope and
 * audit as in people.ts; every change tells the open boards of the person's teams, which
 * re-judge their planned visits against the new competences.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import {
	checkEarlyEnd,
	checkGrant,
	delegationsEndingWithin,
	isRenewed,
	renewal,
	type CompetenceError
} from '$lib/domain/competences';
import { compareDates } from '$lib/domain/periods';
import type { IsoDate } from '$lib/domain/types';
import { audit } from '../audit';
import type { SessionUser } from '../auth/session';
import type { Db } from '../db/client';
import { competence, staff, staffCompetence } from '../db/schema';
import {
	canManagePeople,
	invalid,
	notifyStaffChanged,
	personInScope,
	teamsOfPerson,
	type FieldErrors,
	type Result
} from './people';

export interface CatalogueCompetence {
	code: string;
	name: string;
	isDelegation: boolean;
}

export async function competenceCatalogue(
	db: Db,
	organisationId: string,
	locale: 'sv' | 'en'
): Promise<CatalogueCompetence[]> {
	const rows = await db
		.select()
		.from(competence)
		.where(eq(competence.organisationId, organisationId));
	return rows
		.map((c) => ({
			code: c.code,
			name: locale === 'en' ? c.nameEn : c.nameSv,
			isDelegation: c.isDelegation
		}))
		.sort((a, b) => a.name.localeCompare(b.name, locale));
}

export interface HeldCompetenceView {
	id: string;
	code: string;
	name: string;
	isDelegation: boolean;
	validFrom: IsoDate;
	validTo: IsoDate | null;
	issuedBy: string | null;
	/** Another row continues it (K3). */
	renewed: boolean;
	state: 'future' | 'valid' | 'ended';
}

/** A person's competences, current ones first, then by name and start. */
export async function personCompetences(
	db: Db,
	user: SessionUser,
	staffId: string,
	today: IsoDate
): Promise<HeldCompetenceView[]> {
	const catalogue = await competenceCatalogue(db, user.organisationId, user.locale);
	const byCode = new Map(catalogue.map((c) => [c.code, c]));
	const rows = await db
		.select()
		.from(staffCompetence)
		.where(
			and(
				eq(staffCompetence.staffId, staffId),
				eq(staffCompetence.organisationId, user.organisationId)
			)
		)
		.orderBy(asc(staffCompetence.validFrom));
	const order = { valid: 0, future: 1, ended: 2 } as const;
	return rows
		.map((r): HeldCompetenceView => {
			const state =
				compareDates(r.validFrom, today) > 0
					? 'future'
					: r.validTo !== null && compareDates(r.validTo, today) < 0
						? 'ended'
						: 'valid';
			return {
				id: r.id,
				code: r.competenceCode,
				name: byCode.get(r.competenceCode)?.name ?? r.competenceCode,
				isDelegation: byCode.get(r.competenceCode)?.isDelegation ?? false,
				validFrom: r.validFrom,
				validTo: r.validTo,
				issuedBy: r.issuedBy,
				renewed: isRenewed(r, rows),
				state
			};
		})
		.sort(
			(a, b) =>
				order[a.state] - order[b.state] ||
				a.name.localeCompare(b.name, user.locale) ||
				compareDates(a.validFrom, b.validFrom)
		);
}

export interface IssueInput {
	code: string;
	validFrom: string;
	validTo: string | null;
	issuedBy: string | null;
}

/** Issues a competence from the catalogue (K1, K2). */
export async function issueCompetence(
	db: Db,
	user: SessionUser,
	staffId: string,
	input: IssueInput,
	opts: { device: string; today: IsoDate }
): Promise<Result<{ id: string }>> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	const [entry] = await db
		.select()
		.from(competence)
		.where(
			and(eq(competence.organisationId, user.organisationId), eq(competence.code, input.code))
		);
	if (!entry) return invalid({ code: 'unknown-competence' });
	const errors = checkGrant({ ...input, isDelegation: entry.isDelegation });
	if (errors.length > 0) return invalid(fieldErrors(errors));
	const [row] = await db
		.insert(staffCompetence)
		.values({
			organisationId: user.organisationId,
			staffId,
			competenceCode: entry.code,
			validFrom: input.validFrom,
			validTo: input.validTo,
			issuedBy: input.issuedBy?.trim() || null
		})
		.returning({ id: staffCompetence.id });
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: {
			what: 'competence',
			change: 'issued',
			staffId,
			id: row.id,
			code: entry.code,
			validFrom: input.validFrom,
			validTo: input.validTo
		}
	});
	notifyStaffChanged(staffId, await teamsOfPerson(db, staffId, opts.today));
	return { ok: true, id: row.id };
}

async function heldRow(db: Db, user: SessionUser, staffId: string, id: string) {
	if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
	const [row] = await db
		.select()
		.from(staffCompetence)
		.where(
			and(
				eq(staffCompetence.id, id),
				eq(staffCompetence.staffId, staffId),
				eq(staffCompetence.organisationId, user.organisationId)
			)
		);
	return row;
}

/** Renews a competence: a new row from the day after the old one's end (K3). */
export async function renewCompetence(
	db: Db,
	user: SessionUser,
	staffId: string,
	competenceId: string,
	input: { validTo: string | null; issuedBy: string | null },
	opts: { device: string; today: IsoDate }
): Promise<Result<{ id: string }>> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	const old = await heldRow(db, user, staffId, competenceId);
	if (!old) return invalid({ form: 'competence-not-found' });
	const [entry] = await db
		.select()
		.from(competence)
		.where(
			and(
				eq(competence.organisationId, user.organisationId),
				eq(competence.code, old.competenceCode)
			)
		);
	const same = await db
		.select()
		.from(staffCompetence)
		.where(
			and(
				eq(staffCompetence.staffId, staffId),
				eq(staffCompetence.competenceCode, old.competenceCode)
			)
		);
	const result = renewal(old, same, { ...input, isDelegation: entry?.isDelegation ?? false });
	if (!result.ok) return invalid(fieldErrors(result.errors));
	const [row] = await db
		.insert(staffCompetence)
		.values({
			organisationId: user.organisationId,
			staffId,
			competenceCode: old.competenceCode,
			validFrom: result.grant.validFrom,
			validTo: result.grant.validTo,
			issuedBy: result.grant.issuedBy?.trim() || null
		})
		.returning({ id: staffCompetence.id });
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: {
			what: 'competence',
			change: 'renewed',
			staffId,
			id: row.id,
			renews: old.id,
			code: old.competenceCode,
			validFrom: result.grant.validFrom,
			validTo: result.grant.validTo
		}
	});
	notifyStaffChanged(staffId, await teamsOfPerson(db, staffId, opts.today));
	return { ok: true, id: row.id };
}

/** Moves a competence's last day earlier (K4); the old and new day go to the audit log. */
export async function endCompetenceEarly(
	db: Db,
	user: SessionUser,
	staffId: string,
	competenceId: string,
	input: { validTo: string },
	opts: { device: string; today: IsoDate }
): Promise<Result> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	const held = await heldRow(db, user, staffId, competenceId);
	if (!held) return invalid({ form: 'competence-not-found' });
	const errors = checkEarlyEnd(held, input.validTo);
	if (errors.length > 0) return invalid(fieldErrors(errors));
	await db
		.update(staffCompetence)
		.set({ validTo: input.validTo })
		.where(eq(staffCompetence.id, held.id));
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: {
			what: 'competence',
			change: 'ended-early',
			staffId,
			id: held.id,
			code: held.competenceCode,
			oldValidTo: held.validTo,
			newValidTo: input.validTo
		}
	});
	notifyStaffChanged(staffId, await teamsOfPerson(db, staffId, opts.today));
	return { ok: true };
}

/** Which form field an error belongs to. */
function fieldErrors(errors: readonly CompetenceError[]): FieldErrors {
	const fields: FieldErrors = {};
	for (const e of errors) {
		const field =
			e === 'invalid-valid-from'
				? 'validFrom'
				: e === 'delegation-needs-issuer' || e === 'issuer-too-long'
					? 'issuedBy'
					: e === 'not-renewable-open-ended' || e === 'already-renewed'
						? 'form'
						: 'validTo';
		fields[field] ??= e;
	}
	return fields;
}

export interface EndingDelegation {
	competenceId: string;
	staffId: string;
	name: string;
	code: string;
	competenceName: string;
	validTo: IsoDate;
	issuedBy: string | null;
}

/**
 * Delegations of active people in the user's scope (a manager's unit, an admin's
 * organisation) that end within `days` days and are not renewed, soonest first (K5).
 */
export async function delegationsEndingSoon(
	db: Db,
	user: SessionUser,
	today: IsoDate,
	days = 30
): Promise<EndingDelegation[]> {
	if (!canManagePeople(user)) return [];
	const catalogue = await competenceCatalogue(db, user.organisationId, user.locale);
	const delegations = catalogue.filter((c) => c.isDelegation);
	if (delegations.length === 0) return [];
	const rows = await db
		.select({
			id: staffCompetence.id,
			staffId: staffCompetence.staffId,
			competenceCode: staffCompetence.competenceCode,
			validFrom: staffCompetence.validFrom,
			validTo: staffCompetence.validTo,
			issuedBy: staffCompetence.issuedBy,
			name: staff.name
		})
		.from(staffCompetence)
		.innerJoin(staff, eq(staff.id, staffCompetence.staffId))
		.where(
			and(
				eq(staff.organisationId, user.organisationId),
				eq(staff.active, true),
				ne(staff.role, 'teamDevice'),
				user.role === 'manager' ? eq(staff.unitId, user.unitId!) : undefined,
				inArray(
					staffCompetence.competenceCode,
					delegations.map((d) => d.code)
				)
			)
		);
	const names = new Map(delegations.map((d) => [d.code, d.name]));
	return delegationsEndingWithin(rows, today, days).map((r) => ({
		competenceId: r.id,
		staffId: r.staffId,
		name: r.name,
		code: r.competenceCode,
		competenceName: names.get(r.competenceCode) ?? r.competenceCode,
		validTo: r.validTo!,
		issuedBy: r.issuedBy
	}));
}
