/**
 * Notices on open boards when something the rules read changed outside them (DESIGN.md §3):
 * a case officer changed a decision, a manager changed a competence, the week was filled from
 * the base plan. Each open board of the team re-judges its planned visits on fresh data and
 * tells everyone on it, in their own language, what changed and which visits no longer fit.
 * Nothing is undone: those visits stay on the board, editable, for the team to fix.
 */
import { decisionCovering, todayIn } from '$lib/domain/periods';
import type { BoardVisit } from '$lib/board';
import type { NoticeEvent } from '$lib/realtime/protocol';
import { m } from '$lib/paraglide/messages.js';
import type { BoardDataChange } from './invalidate';
import type { TeamContext } from './context';
import type { Room } from './room';
import type { RoomManager } from './rooms';
import { formatDate, formatMinutes, type Locale } from '../services/verdict-text';

export interface NoticeTarget {
	/** Locales of the people following the room, each once. */
	locales(room: string): Locale[];
	emit(room: string, locale: Locale, event: NoticeEvent): void;
}

/** The planned visits the change concerns that the rules would refuse now. */
function misfits(room: Room, ctx: TeamContext, change: BoardDataChange): BoardVisit[] {
	const judge = room.judge(ctx);
	const concerned = (v: BoardVisit) =>
		change.kind === 'decision-changed'
			? v.clientId === change.clientId
			: change.kind === 'staff-changed'
				? v.assignees.includes(change.staffId)
				: false;
	return [...room.authority.accepted.values()].filter(
		(v) => v.status === 'planned' && concerned(v) && judge.check(v, undefined).length > 0
	);
}

function message(change: BoardDataChange, ctx: TeamContext, count: number, locale: Locale) {
	const opts = { locale };
	const tail =
		count === 0
			? ''
			: ' ' +
				(count === 1
					? m.notice_misfit_one({}, opts)
					: m.notice_misfits({ count: String(count) }, opts));
	switch (change.kind) {
		case 'decision-changed': {
			const client = ctx.clients.get(change.clientId)?.name ?? '';
			const decision = decisionCovering(ctx.decisions.get(change.clientId) ?? [], todayIn());
			if (!decision) return m.notice_decision_none({ client }, opts) + tail;
			const frame = formatMinutes(decision.frameMinutes, locale);
			const text =
				decision.framePeriod === 'month'
					? m.notice_decision_month({ client, frame }, opts)
					: m.notice_decision_week({ client, frame }, opts);
			const until = decision.validTo
				? ' ' + m.notice_decision_until({ date: formatDate(decision.validTo, locale) }, opts)
				: '';
			return text + until + tail;
		}
		case 'staff-changed':
			return m.notice_staff({ staff: ctx.staff.get(change.staffId)?.name ?? '' }, opts) + tail;
		case 'base-plan-filled':
			return m.notice_base_plan(
				{ created: String(change.created), unassigned: String(change.unassigned) },
				opts
			);
	}
}

/**
 * Re-judges every open board of `teamId` after `change` and sends the notice to the people
 * on it. Rooms nobody follows are only invalidated (they judge the next change afresh).
 */
export async function announce(
	rooms: RoomManager,
	target: NoticeTarget,
	teamId: string,
	change: BoardDataChange
): Promise<void> {
	// A filled week is news for that week's board only; other changes concern every week.
	const open = [...rooms.rooms.values()].filter(
		(r) => r.teamId === teamId && (change.kind !== 'base-plan-filled' || r.week === change.week)
	);
	for (const room of open) {
		const locales = target.locales(room.name);
		if (locales.length === 0) continue;
		await rooms.withRoom(
			room.name,
			(r, ctx) => {
				const visits = misfits(r, ctx, change);
				for (const locale of locales) {
					target.emit(room.name, locale, {
						room: room.name,
						kind: change.kind,
						message: message(change, ctx, visits.length, locale),
						clientId: change.kind === 'decision-changed' ? change.clientId : undefined,
						visitIds: visits.map((v) => v.id)
					});
				}
			},
			{ freshContext: true }
		);
	}
}
