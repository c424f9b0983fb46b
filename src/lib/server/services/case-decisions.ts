/**
 * Decisions as the case officer makes them (DESIGN.md §2, SPEC.md D1–D7). A decision row is
 * never updated or deleted: a change or an early end is a new version whose `replacesId` names
 * the version it replaces, with its own services. Each write runs in one transaction that
 * first locks the client's row, so two case officers cannot both replace the same version.
 * The team's open boards are told at once and re-judge the client's planned visits.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
	checkDecisionDraft,
	checkEarlyEnd,
	overlapErrors,
	sameDecision,
	type DecisionDraft,
	type DecisionError,
	type DecisionFields
} from '$lib/domain/decisions';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import type { Db } from '../db/client';
import { client, decision, decisionService, staff } from '../db/schema';
import { notifyBoardDataChanged } from '../realtime/invalidate';
import { listServices } from './catalogue';
import { decisionInForce } from './decision-versions';

export interface DecisionVersion extends DecisionFields {
	id: string;
	replacesId: string | null;
	/** The version that replaced this one, if any. */
	replacedById: string | null;
	inForce: boolean;
	/** What this version did: a first decision, a change, or an early end of its predecessor. */
	kind: 'new' | 'change' | 'end';
	decidedByName: string | null;
	createdAt: Date;
}

export type DecisionWriteResult =
	| { ok: true; id: string }
	| { ok: false; status: 400; errors: DecisionError[] }
	| { ok: false; status: 404 }
	/** The version was replaced meanwhile (another tab, another case officer). */
	| { ok: false; status: 409 };

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function fieldsOf(row: typeof decision.$inferSelect, services: string[]): DecisionFields {
	return {
		validFrom: row.validFrom,
		validTo: row.validTo,
		frameMinutes: row.frameMinutes,
		framePeriod: row.framePeriod === 'month' ? 'month' : 'week',
		services: [...services].sort()
	};
}

async function servicesOf(db: Db | Tx, ids: string[]): Promise<Map<string, string[]>> {
	const map = new Map<string, string[]>();
	if (ids.length === 0) return map;
	const rows = await db
		.select()
		.from(decisionService)
		.where(inArray(decisionService.decisionId, ids))
		.orderBy(asc(decisionService.serviceCode));
	for (const r of rows) map.set(r.decisionId, [...(map.get(r.decisionId) ?? []), r.serviceCode]);
	return map;
}

/** Every version of the client's decisions, newest first, with who decided and when. */
export async function decisionHistory(db: Db, clientId: string): Promise<DecisionVersion[]> {
	const rows = await db
		.select({ row: decision, decidedByName: staff.name })
		.from(decision)
		.leftJoin(staff, eq(staff.id, decision.decidedBy))
		.where(eq(decision.clientId, clientId))
		.orderBy(desc(decision.createdAt), desc(decision.validFrom));
	const services = await servicesOf(
		db,
		rows.map((r) => r.row.id)
	);
	const byId = new Map(rows.map((r) => [r.row.id, r.row]));
	const replacedBy = new Map<string, string>();
	for (const { row } of rows) if (row.replacesId) replacedBy.set(row.replacesId, row.id);
	return rows.map(({ row, decidedByName }) => {
		const fields = fieldsOf(row, services.get(row.id) ?? []);
		const previous = row.replacesId ? byId.get(row.replacesId) : undefined;
		const ended =
			previous !== undefined &&
			sameDecision(
				{ ...fields, validTo: null },
				{ ...fieldsOf(previous, services.get(previous.id) ?? []), validTo: null }
			) &&
			fields.validTo !== null &&
			(previous.validTo === null || fields.validTo < previous.validTo);
		return {
			...fields,
			id: row.id,
			replacesId: row.replacesId,
			replacedById: replacedBy.get(row.id) ?? null,
			inForce: !replacedBy.has(row.id),
			kind: row.replacesId === null ? 'new' : ended ? 'end' : 'change',
			decidedByName,
			createdAt: row.createdAt
		};
	});
}

/** The client's versions in force, other than `except`. */
async function inForceOf(tx: Db | Tx, clientId: string) {
	const rows = await tx
		.select()
		.from(decision)
		.where(and(eq(decision.clientId, clientId), decisionInForce));
	return rows;
}

/** Locks the organisation's client row for the rest of the transaction, or finds none. */
async function lockClient(tx: Tx, user: SessionUser, clientId: string) {
	const [row] = await tx
		.select({ id: client.id, teamId: client.teamId })
		.from(client)
		.where(and(eq(client.id, clientId), eq(client.organisationId, user.organisationId)))
		.for('update');
	return row;
}

async function insertVersion(
	tx: Tx,
	user: SessionUser,
	clientId: string,
	fields: DecisionFields,
	replacesId: string | null
): Promise<string> {
	const [row] = await tx
		.insert(decision)
		.values({
			organisationId: user.organisationId,
			clientId,
			validFrom: fields.validFrom,
			validTo: fields.validTo,
			frameMinutes: fields.frameMinutes,
			framePeriod: fields.framePeriod,
			decidedBy: user.id,
			replacesId
		})
		.returning({ id: decision.id });
	await tx
		.insert(decisionService)
		.values(fields.services.map((serviceCode) => ({ decisionId: row.id, serviceCode })));
	return row.id;
}

async function catalogueOf(db: Db, organisationId: string): Promise<Set<string>> {
	return new Set((await listServices(db, organisationId)).map((s) => s.code));
}

function changed(teamId: string, clientId: string): void {
	notifyBoardDataChanged({ teamId, change: { kind: 'decision-changed', clientId } });
}

/** A new decision for the client (D1–D5), refused when it overlaps a version in force (D4). */
export async function createDecision(
	db: Db,
	user: SessionUser,
	clientId: string,
	draft: DecisionDraft,
	device: string
): Promise<DecisionWriteResult> {
	const check = checkDecisionDraft(draft, await catalogueOf(db, user.organisationId));
	const result = await db.transaction(
		async (tx): Promise<DecisionWriteResult & { teamId?: string }> => {
			const person = await lockClient(tx, user, clientId);
			if (!person) return { ok: false, status: 404 };
			if (!check.ok) return { ok: false, status: 400, errors: check.errors };
			const others = await inForceOf(tx, clientId);
			const overlap = overlapErrors(check.fields, others);
			if (overlap.length > 0) return { ok: false, status: 400, errors: overlap };
			const id = await insertVersion(tx, user, clientId, check.fields, null);
			await audit(tx, user, {
				action: 'change',
				clientIds: [clientId],
				device,
				detail: { what: 'decision', change: 'created', id }
			});
			return { ok: true, id, teamId: person.teamId };
		}
	);
	if (result.ok && result.teamId) changed(result.teamId, clientId);
	return stripTeam(result);
}

function stripTeam(result: DecisionWriteResult & { teamId?: string }): DecisionWriteResult {
	if (!result.ok) return result;
	return { ok: true, id: result.id };
}

/**
 * Replaces a version in force with a new one built by `next` from its current fields: a change
 * (D1–D5, D7: something must differ) or an early end (D6). D4 compares the new version with
 * the client's other versions in force.
 */
async function replaceVersion(
	db: Db,
	user: SessionUser,
	decisionId: string,
	device: string,
	kind: 'change' | 'end',
	next: (current: DecisionFields) => ReturnType<typeof checkDecisionDraft>
): Promise<DecisionWriteResult> {
	const result = await db.transaction(
		async (tx): Promise<DecisionWriteResult & { teamId?: string; clientId?: string }> => {
			const [target] = await tx
				.select({ clientId: decision.clientId })
				.from(decision)
				.where(and(eq(decision.id, decisionId), eq(decision.organisationId, user.organisationId)));
			if (!target) return { ok: false, status: 404 };
			const person = await lockClient(tx, user, target.clientId);
			if (!person) return { ok: false, status: 404 };
			const others = await inForceOf(tx, target.clientId);
			const current = others.find((d) => d.id === decisionId);
			if (!current) return { ok: false, status: 409 };
			const services = await servicesOf(tx, [current.id]);
			const currentFields = fieldsOf(current, services.get(current.id) ?? []);
			const check = next(currentFields);
			if (!check.ok) return { ok: false, status: 400, errors: check.errors };
			if (sameDecision(check.fields, currentFields)) {
				return { ok: false, status: 400, errors: [{ field: 'validFrom', code: 'unchanged' }] };
			}
			const overlap = overlapErrors(check.fields, others, current.id);
			if (overlap.length > 0) return { ok: false, status: 400, errors: overlap };
			const id = await insertVersion(tx, user, target.clientId, check.fields, current.id);
			await audit(tx, user, {
				action: 'change',
				clientIds: [target.clientId],
				device,
				detail: {
					what: 'decision',
					change: kind === 'end' ? 'ended' : 'changed',
					id,
					replacesId: current.id
				}
			});
			return { ok: true, id, teamId: person.teamId, clientId: target.clientId };
		}
	);
	if (result.ok && result.teamId && result.clientId) changed(result.teamId, result.clientId);
	return stripTeam(result);
}

/** A change: a new version with the draft's fields replacing `decisionId`. */
export async function changeDecision(
	db: Db,
	user: SessionUser,
	decisionId: string,
	draft: DecisionDraft,
	device: string
): Promise<DecisionWriteResult> {
	const catalogue = await catalogueOf(db, user.organisationId);
	return replaceVersion(db, user, decisionId, device, 'change', () =>
		checkDecisionDraft(draft, catalogue)
	);
}

/** An early end: a new version, the same but for its last day (D6), replacing `decisionId`. */
export async function endDecision(
	db: Db,
	user: SessionUser,
	decisionId: string,
	endDate: string,
	device: string
): Promise<DecisionWriteResult> {
	return replaceVersion(db, user, decisionId, device, 'end', (current) =>
		checkEarlyEnd(current, endDate)
	);
}
