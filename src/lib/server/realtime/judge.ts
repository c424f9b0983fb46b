/**
 * The rules as a board applies them: `checkVisit` from the domain with a context built from
 * the team's data, the frame usage outside the visit itself, and the visit's last accepted
 * state (so "this change adds" is measured from it).
 */
import { checkVisit } from '$lib/domain/rules';
import type { FramePeriodRange } from '$lib/domain/types';
import type { Judge } from './authority';
import { estimateOf, offDutyReason, staffOnDuty, usedMinutes, type TeamContext } from './context';

/**
 * Minutes a client's visits hold in `period` (planned, or done and not yet reported: F4),
 * except `excludeId`.
 */
export type PlannedMinutes = (
	clientId: string,
	period: FramePeriodRange,
	excludeId: string
) => number;

export function createJudge(ctx: TeamContext, week: string, planned: PlannedMinutes): Judge {
	return {
		check: (visit, previous) =>
			checkVisit(visit, {
				docWeek: week,
				client: ctx.clients.get(visit.clientId),
				decisions: ctx.decisions.get(visit.clientId) ?? [],
				services: ctx.services,
				staff: staffOnDuty(ctx, visit.date, visit.dayPart),
				frameToleranceMinutes: ctx.toleranceMinutes,
				frameUsage: (period) => ({
					usedMinutes: usedMinutes(ctx, visit.clientId, period),
					otherPlannedMinutes: planned(visit.clientId, period, visit.id)
				}),
				previous,
				reported: (visitId) => ctx.reportedVisits.has(visitId)
			}),
		estimate: (visit) => estimateOf(ctx, visit),
		offDuty: (visit) => {
			const onDuty = staffOnDuty(ctx, visit.date, visit.dayPart);
			return visit.assignees
				.filter((id) => !Object.hasOwn(onDuty, id))
				.map((id) => offDutyReason(ctx, id, visit.date, visit.dayPart));
		}
	};
}
