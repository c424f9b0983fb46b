/**
 * What one accepted change of a board writes besides its Yjs updates (DESIGN.md §4, §7): the
 * projection rows of the visits it changed, and the audit rows naming who changed which
 * client's visit from which device. Repeated edits by one person to one visit share an audit
 * row for a while, so typing a note does not write a row per keystroke.
 */
import type { BoardVisit } from '$lib/board';
import type { Settled } from './authority';
import type { BoardAuditRow, BoardWrite, PlannedVisitRow } from './board-store';
import type { TeamContext } from './context';
import type { Actor } from './room';

export class BoardWriteBuilder {
	private readonly audited = new Map<string, number>();

	constructor(
		private readonly room: string,
		/** A change by the same person to the same visit within this time shares one audit row. */
		private readonly auditCoalesceMs: number
	) {}

	build(
		ctx: TeamContext,
		updates: Uint8Array[],
		changed: Map<string, BoardVisit | null>,
		before: Map<string, BoardVisit>,
		actor: Actor | null,
		settled: Settled | null
	): BoardWrite {
		const upserts: PlannedVisitRow[] = [];
		const removals: string[] = [];
		const audit: BoardAuditRow[] = [];
		const refused = new Map(settled?.verdicts.map((v) => [v.visitId, v.violation.rule]) ?? []);
		const now = Date.now();
		const ids = new Set([...changed.keys(), ...refused.keys()]);
		for (const id of ids) {
			const visit = changed.get(id);
			if (visit) upserts.push(projectionRow(ctx, this.room, visit));
			else if (changed.has(id)) removals.push(id);
			const clientId = visit?.clientId ?? before.get(id)?.clientId ?? null;
			const key = `${actor?.actingStaffId ?? actor?.user.id ?? 'server'}|${id}`;
			const coalesce =
				!refused.has(id) &&
				visit &&
				now - (this.audited.get(key) ?? -Infinity) < this.auditCoalesceMs;
			if (coalesce || (!visit && !before.has(id) && !refused.has(id))) continue;
			this.audited.set(key, now);
			audit.push({
				organisationId: ctx.organisationId,
				unitId: ctx.unitId,
				staffId: actor?.actingStaffId ?? actor?.user.id ?? null,
				clientId: clientId && ctx.clients.has(clientId) ? clientId : null,
				device: actor?.device || 'board',
				detail: {
					what: 'visit',
					id,
					room: this.room,
					...(visit ? {} : { removed: true }),
					...(refused.has(id) ? { refused: refused.get(id) } : {})
				}
			});
		}
		if (this.audited.size > 10_000) this.audited.clear();
		return { room: this.room, updates, upserts, removals, audit };
	}
}

export function projectionRow(ctx: TeamContext, room: string, v: BoardVisit): PlannedVisitRow {
	return {
		id: v.id,
		organisationId: ctx.organisationId,
		teamId: ctx.teamId,
		clientId: v.clientId,
		room,
		date: v.date,
		dayPart: v.dayPart,
		minutes: v.minutes,
		status: v.status,
		services: v.services,
		assignees: v.assignees
	};
}

/** Clients whose frame figures a change moved (minutes, status, date or client). */
export function changedFrameClients(
	changed: Map<string, BoardVisit | null>,
	before: Map<string, BoardVisit>
): string[] {
	const clients = new Set<string>();
	for (const [id, now] of changed) {
		const was = before.get(id);
		const same =
			was &&
			now &&
			was.clientId === now.clientId &&
			was.minutes === now.minutes &&
			was.status === now.status &&
			was.date === now.date;
		if (same) continue;
		if (was) clients.add(was.clientId);
		if (now) clients.add(now.clientId);
	}
	return [...clients];
}
