/**
 * The team's base plan (grundplanering, SPEC.md B1–B8): each client's recurring visits, kept
 * as patterns that new weeks' boards are filled from. Only the client's decision in force
 * bounds what a pattern may hold; how the week adds up against the frame is shown as a hint.
 */
import { and, asc, eq } from 'drizzle-orm';
import {
	basePlanFrameHint,
	validatePattern,
	type BasePlanField,
	type BasePlanFrameHint,
	type BasePlanInput,
	type BasePlanError,
	type BasePlanPattern
} from '$lib/domain/base-plan';
import { compareDates, decisionCovering } from '$lib/domain/periods';
import type { DayPart, Decision, IsoDate } from '$lib/domain/types';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import type { Db } from '../db/client';
import { basePlan, client } from '../db/schema';
import { teamClients, type TeamClientRow } from './teams';

export interface BasePlanClient {
	id: string;
	name: string;
	/** What the client's decisions in force that have not ended grant (B3); null: none. */
	granted: string[] | null;
	/** The frame of the decision governing today (or the next one to start), for the hint. */
	frame: { frameMinutes: number; framePeriod: 'week' | 'month' } | null;
	hint: BasePlanFrameHint | null;
	patterns: BasePlanPattern[];
}

/** Services granted by the decisions in force that have not ended by `today` (B3). */
export function grantedServices(
	decisions: TeamClientRow['decisions'],
	today: IsoDate
): string[] | null {
	const current = decisions.filter(
		(d) => d.validTo === null || compareDates(d.validTo, today) >= 0
	);
	if (current.length === 0) return null;
	return [...new Set(current.flatMap((d) => d.services))].sort();
}

function frameOf(clientId: string, decisions: TeamClientRow['decisions'], today: IsoDate) {
	const asDecisions: Decision[] = decisions.map((d) => ({ ...d, clientId }));
	const governing =
		decisionCovering(asDecisions, today) ??
		asDecisions
			.filter((d) => compareDates(d.validFrom, today) > 0)
			.sort((a, b) => compareDates(a.validFrom, b.validFrom))[0];
	return governing
		? { frameMinutes: governing.frameMinutes, framePeriod: governing.framePeriod }
		: null;
}

function toPattern(row: typeof basePlan.$inferSelect): BasePlanPattern {
	return {
		id: row.id,
		clientId: row.clientId,
		weekdays: [...row.weekdays].sort((a, b) => a - b),
		dayPart: row.dayPart as DayPart,
		services: [...row.services].sort(),
		minutes: row.minutes,
		window: row.window,
		note: row.note,
		active: row.active
	};
}

/** Every pattern of the team, oldest first (the order a week is filled in, B6). */
export async function patternsOfTeam(db: Db, teamId: string): Promise<BasePlanPattern[]> {
	const rows = await db
		.select()
		.from(basePlan)
		.where(eq(basePlan.teamId, teamId))
		.orderBy(asc(basePlan.createdAt), asc(basePlan.id));
	return rows.map(toPattern);
}

/** The base plan page: the team's active clients with their patterns and frame hints. */
export async function basePlanOfTeam(
	db: Db,
	teamId: string,
	today: IsoDate
): Promise<BasePlanClient[]> {
	const [clients, patterns] = await Promise.all([
		teamClients(db, teamId),
		patternsOfTeam(db, teamId)
	]);
	return clients.map((c) => {
		const own = patterns.filter((p) => p.clientId === c.id);
		const frame = frameOf(c.id, c.decisions, today);
		return {
			id: c.id,
			name: c.name,
			granted: grantedServices(c.decisions, today),
			frame,
			hint: frame ? basePlanFrameHint(own, frame) : null,
			patterns: own
		};
	});
}

export type SaveResult =
	| { ok: true; id: string }
	| { ok: false; status: 404 }
	| {
			ok: false;
			status: 400;
			errors: Partial<Record<BasePlanField, BasePlanError>>;
			notGranted: string[];
	  };

/**
 * Adds a pattern (`patternId` null) or changes one, after checking it against B1–B5 and the
 * client's decision in force. The client must belong to the team; the change is audited.
 */
export async function savePattern(
	db: Db,
	user: SessionUser,
	opts: {
		teamId: string;
		clientId: string;
		patternId: string | null;
		input: BasePlanInput;
		today: IsoDate;
		device: string;
	}
): Promise<SaveResult> {
	const [owner] = await db
		.select({ id: client.id, organisationId: client.organisationId })
		.from(client)
		.where(
			and(eq(client.id, opts.clientId), eq(client.teamId, opts.teamId), eq(client.active, true))
		);
	if (!owner) return { ok: false, status: 404 };
	if (opts.patternId) {
		const [existing] = await db
			.select({ id: basePlan.id })
			.from(basePlan)
			.where(
				and(
					eq(basePlan.id, opts.patternId),
					eq(basePlan.teamId, opts.teamId),
					eq(basePlan.clientId, opts.clientId)
				)
			);
		if (!existing) return { ok: false, status: 404 };
	}
	const [row] = (await teamClients(db, opts.teamId)).filter((c) => c.id === opts.clientId);
	const checked = validatePattern(opts.input, grantedServices(row?.decisions ?? [], opts.today));
	if (!checked.ok) {
		return { ok: false, status: 400, errors: checked.errors, notGranted: checked.notGranted };
	}
	const values = checked.value;
	let id = opts.patternId;
	if (id) {
		await db
			.update(basePlan)
			.set({ ...values, updatedAt: new Date() })
			.where(eq(basePlan.id, id));
	} else {
		const [inserted] = await db
			.insert(basePlan)
			.values({
				organisationId: owner.organisationId,
				teamId: opts.teamId,
				clientId: opts.clientId,
				...values,
				createdBy: user.id
			})
			.returning({ id: basePlan.id });
		id = inserted.id;
	}
	await audit(db, user, {
		action: 'change',
		clientIds: [opts.clientId],
		device: opts.device,
		detail: { what: 'base-plan', id, change: opts.patternId ? 'changed' : 'added' }
	});
	return { ok: true, id };
}

/** Pauses (`active` false) or resumes a pattern of the team; false when there is no such one. */
export async function setPatternActive(
	db: Db,
	user: SessionUser,
	opts: { teamId: string; patternId: string; active: boolean; device: string }
): Promise<boolean> {
	const [row] = await db
		.update(basePlan)
		.set({ active: opts.active, updatedAt: new Date() })
		.where(and(eq(basePlan.id, opts.patternId), eq(basePlan.teamId, opts.teamId)))
		.returning({ clientId: basePlan.clientId });
	if (!row) return false;
	await audit(db, user, {
		action: 'change',
		clientIds: [row.clientId],
		device: opts.device,
		detail: { what: 'base-plan', id: opts.patternId, change: opts.active ? 'resumed' : 'paused' }
	});
	return true;
}

/** Removes a pattern of the team; visits it already gave stay on their boards. */
export async function removePattern(
	db: Db,
	user: SessionUser,
	opts: { teamId: string; patternId: string; device: string }
): Promise<boolean> {
	const [row] = await db
		.delete(basePlan)
		.where(and(eq(basePlan.id, opts.patternId), eq(basePlan.teamId, opts.teamId)))
		.returning({ clientId: basePlan.clientId });
	if (!row) return false;
	await audit(db, user, {
		action: 'change',
		clientIds: [row.clientId],
		device: opts.device,
		detail: { what: 'base-plan', id: opts.patternId, change: 'removed' }
	});
	return true;
}
