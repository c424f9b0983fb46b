/**
 * Sample checks of the access log (stickprov, rules AS1–AS3): a manager draws reads of clients'
 * details at random from a period of the unit's log, judges each one (was there a care reason?)
 * and concludes the review. Samples are never deleted; a concluded one is read-only. Drawing and
 * concluding are themselves written to the log.
 */
import { and, eq, sql } from 'drizzle-orm';
import { checkSampleRequest, type Judgement, type SampleError } from '../../domain/audit-sample';
import type { IsoDate } from '../../domain/types';
import type { Db } from '../db/client';
import { auditSample, auditSampleItem, staff } from '../db/schema';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import { MANAGER_ROLES } from './manager-scope';
import { rowsOf } from '../db/rows';
import { unitLogAs, withinDaysAs } from './audit-search';
import { UUID } from './case-forms';

export const MAX_CONCLUSION = 4000;
export const MAX_COMMENT = 1000;

export type SampleFieldErrors = Partial<
	Record<'from' | 'to' | 'count' | 'form', SampleError | 'no-reads'>
>;

export type Outcome<T> =
	| ({ ok: true } & T)
	| { ok: false; status: 400; errors: Record<string, string> }
	| { ok: false; status: 403 | 404 | 409; errors?: Record<string, string> };

export interface SampleSummary {
	id: string;
	fromDate: IsoDate;
	toDate: IsoDate;
	drawnAt: string;
	drawnByName: string | null;
	status: 'open' | 'concluded';
	items: number;
	judged: number;
	questioned: number;
}

/** The unit's samples, newest first. */
export async function listSamples(db: Db, unitId: string): Promise<SampleSummary[]> {
	const rows = rowsOf<{
		id: string;
		fromDate: string;
		toDate: string;
		drawnAt: Date | string;
		drawnByName: string | null;
		status: string;
		items: number;
		judged: number;
		questioned: number;
	}>(
		await db.execute(sql`
			select s.id, s.from_date::text as "fromDate", s.to_date::text as "toDate",
				s.drawn_at as "drawnAt", st.name as "drawnByName", s.status,
				(select count(*) from audit_sample_item i where i.sample_id = s.id)::int as items,
				(select count(*) from audit_sample_item i
					where i.sample_id = s.id and i.judgement is not null)::int as judged,
				(select count(*) from audit_sample_item i
					where i.sample_id = s.id and i.judgement = 'question')::int as questioned
			from audit_sample s
			left join staff st on st.id = s.drawn_by
			where s.unit_id = ${unitId}::uuid
			order by s.drawn_at desc, s.id desc
		`)
	);
	return rows.map((r) => ({
		...r,
		drawnAt: new Date(r.drawnAt).toISOString(),
		status: r.status === 'concluded' ? 'concluded' : 'open',
		items: Number(r.items),
		judged: Number(r.judged),
		questioned: Number(r.questioned)
	}));
}

/**
 * Draws `count` random reads of clients from the unit's log of `from..to` (AS1, AS2) and stores
 * them as a new open sample. A period without reads is refused with `no-reads`, not stored.
 */
export async function drawSample(
	db: Db,
	user: SessionUser,
	unitId: string,
	input: { from: string; to: string; count: string },
	device: string
): Promise<Outcome<{ sampleId: string }>> {
	if (!MANAGER_ROLES.includes(user.role)) return { ok: false, status: 403 };
	const errors: SampleFieldErrors = checkSampleRequest(input);
	if (Object.keys(errors).length > 0) return { ok: false, status: 400, errors };
	const count = Number(input.count.trim());
	const reads = rowsOf<{ id: number | string }>(
		await db.execute(sql`
			select a.id from audit_log a
			where ${unitLogAs('a', unitId, user.organisationId)}
				and ${withinDaysAs('a', input.from, input.to)}
				and a.action = 'read' and a.client_id is not null
			order by random()
			limit ${count}
		`)
	);
	if (reads.length === 0) return { ok: false, status: 400, errors: { form: 'no-reads' } };
	const sampleId = await db.transaction(async (tx) => {
		const [sample] = await tx
			.insert(auditSample)
			.values({
				organisationId: user.organisationId,
				unitId,
				fromDate: input.from,
				toDate: input.to,
				drawnBy: user.id
			})
			.returning({ id: auditSample.id });
		await tx
			.insert(auditSampleItem)
			.values(reads.map((r) => ({ sampleId: sample.id, auditLogId: Number(r.id) })));
		return sample.id;
	});
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device,
		unitId,
		detail: { what: 'audit-sample', id: sampleId, step: 'drawn', unitId, reads: reads.length }
	});
	return { ok: true, sampleId };
}

export interface SampleItem {
	auditLogId: number;
	at: string;
	action: string;
	staffName: string | null;
	clientId: string | null;
	clientName: string | null;
	device: string;
	what: string | null;
	judgement: Judgement | null;
	comment: string;
}

export interface SampleDetail {
	id: string;
	unitId: string;
	fromDate: IsoDate;
	toDate: IsoDate;
	drawnAt: string;
	drawnByName: string | null;
	status: 'open' | 'concluded';
	conclusion: string;
	concludedAt: string | null;
	concludedByName: string | null;
	items: SampleItem[];
}

/**
 * A sample the user may review: of a manager's own unit, or any unit of an admin's organisation.
 * Another unit's sample is 403, another organisation's (or none) 404.
 */
async function sampleInScope(
	db: Db,
	user: SessionUser,
	sampleId: string
): Promise<
	{ ok: true; sample: typeof auditSample.$inferSelect } | { ok: false; status: 403 | 404 }
> {
	if (!MANAGER_ROLES.includes(user.role)) return { ok: false, status: 403 };
	if (!UUID.test(sampleId)) return { ok: false, status: 404 };
	const [sample] = await db.select().from(auditSample).where(eq(auditSample.id, sampleId));
	if (!sample || sample.organisationId !== user.organisationId) return { ok: false, status: 404 };
	if (user.role === 'manager' && sample.unitId !== user.unitId) return { ok: false, status: 403 };
	return { ok: true, sample };
}

/** A sample with its drawn reads (oldest first) and their judgements. */
export async function getSample(
	db: Db,
	user: SessionUser,
	sampleId: string
): Promise<Outcome<{ sample: SampleDetail }>> {
	const found = await sampleInScope(db, user, sampleId);
	if (!found.ok) return found;
	const s = found.sample;
	const [items, names] = await Promise.all([
		db.execute(sql`
			select i.audit_log_id as "auditLogId", a.at, a.action, st.name as "staffName",
				a.client_id as "clientId", c.name as "clientName", a.device,
				a.detail->>'what' as what, i.judgement, i.comment
			from audit_sample_item i
			join audit_log a on a.id = i.audit_log_id
			left join staff st on st.id = a.staff_id
			left join client c on c.id = a.client_id
			where i.sample_id = ${s.id}::uuid
			order by a.at asc, a.id asc
		`),
		db
			.select({ id: staff.id, name: staff.name })
			.from(staff)
			.where(sql`${staff.id} in (${s.drawnBy}::uuid, ${s.concludedBy ?? s.drawnBy}::uuid)`)
	]);
	const nameOf = (id: string | null) => names.find((n) => n.id === id)?.name ?? null;
	return {
		ok: true,
		sample: {
			id: s.id,
			unitId: s.unitId,
			fromDate: s.fromDate,
			toDate: s.toDate,
			drawnAt: s.drawnAt.toISOString(),
			drawnByName: nameOf(s.drawnBy),
			status: s.status === 'concluded' ? 'concluded' : 'open',
			conclusion: s.conclusion,
			concludedAt: s.concludedAt ? s.concludedAt.toISOString() : null,
			concludedByName: nameOf(s.concludedBy),
			items: rowsOf<{
				auditLogId: number | string;
				at: Date | string;
				action: string;
				staffName: string | null;
				clientId: string | null;
				clientName: string | null;
				device: string;
				what: string | null;
				judgement: string | null;
				comment: string;
			}>(items).map((r) => ({
				...r,
				auditLogId: Number(r.auditLogId),
				at: new Date(r.at).toISOString(),
				judgement: r.judgement === 'justified' || r.judgement === 'question' ? r.judgement : null
			}))
		}
	};
}

/** Judges one drawn read (AS3). A concluded sample refuses it with 409. */
export async function judgeItem(
	db: Db,
	user: SessionUser,
	sampleId: string,
	input: { auditLogId: number; judgement: Judgement; comment: string }
): Promise<Outcome<object>> {
	const found = await sampleInScope(db, user, sampleId);
	if (!found.ok) return found;
	if (found.sample.status === 'concluded') {
		return { ok: false, status: 409, errors: { form: 'concluded' } };
	}
	const updated = await db
		.update(auditSampleItem)
		.set({ judgement: input.judgement, comment: input.comment.trim().slice(0, MAX_COMMENT) })
		.where(
			and(eq(auditSampleItem.sampleId, sampleId), eq(auditSampleItem.auditLogId, input.auditLogId))
		)
		.returning({ id: auditSampleItem.auditLogId });
	if (updated.length === 0) return { ok: false, status: 404 };
	return { ok: true };
}

/**
 * Concludes the review with a conclusion text (AS3): every read must be judged first. The
 * sample becomes read-only; concluding is written to the log.
 */
export async function concludeSample(
	db: Db,
	user: SessionUser,
	sampleId: string,
	input: { conclusion: string },
	device: string
): Promise<Outcome<object>> {
	const found = await sampleInScope(db, user, sampleId);
	if (!found.ok) return found;
	if (found.sample.status === 'concluded') {
		return { ok: false, status: 409, errors: { form: 'concluded' } };
	}
	const conclusion = input.conclusion.trim();
	if (conclusion === '') return { ok: false, status: 400, errors: { conclusion: 'required' } };
	if (conclusion.length > MAX_CONCLUSION) {
		return { ok: false, status: 400, errors: { conclusion: 'too-long' } };
	}
	const [open] = rowsOf<{ n: number }>(
		await db.execute(sql`
			select count(*)::int as n from audit_sample_item
			where sample_id = ${sampleId}::uuid and judgement is null
		`)
	);
	if (Number(open.n) > 0) return { ok: false, status: 400, errors: { form: 'unjudged' } };
	const done = await db
		.update(auditSample)
		.set({ status: 'concluded', conclusion, concludedBy: user.id, concludedAt: new Date() })
		.where(and(eq(auditSample.id, sampleId), eq(auditSample.status, 'open')))
		.returning({ id: auditSample.id });
	if (done.length === 0) return { ok: false, status: 409, errors: { form: 'concluded' } };
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device,
		unitId: found.sample.unitId,
		detail: { what: 'audit-sample', id: sampleId, step: 'concluded', unitId: found.sample.unitId }
	});
	return { ok: true };
}
