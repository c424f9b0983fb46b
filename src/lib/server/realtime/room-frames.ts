/**
 * A board's part in its clients' frames: the minutes its visits hold in a frame period, the
 * judge that counts them with the team's other boards, and the figures a device shows.
 */
import { decisionCovering, framePeriodOf, datesOfIsoWeek } from '$lib/domain/periods';
import { frameFigures } from '$lib/domain/frame';
import type { FramePeriodRange } from '$lib/domain/types';
import type { BoardVisit } from '$lib/board';
import type { FrameRow } from '$lib/realtime/protocol';
import type { Judge } from './authority';
import { estimateOf, inPeriod, usedMinutes, type TeamContext } from './context';
import { createJudge } from './judge';
import type { RoomHost } from './room';

export interface BoardFrameSource {
	/** The board's room and ISO week. */
	name: string;
	week: string;
	/** The board's accepted visits. */
	visits(): Iterable<BoardVisit>;
	plannedElsewhere: RoomHost['plannedElsewhere'];
}

/** Estimates the client's visits on this board hold in `period` (planned, or done unreported). */
export function plannedOnBoard(
	board: BoardFrameSource,
	ctx: TeamContext,
	clientId: string,
	period: FramePeriodRange,
	excludeId: string | null
): number {
	let sum = 0;
	for (const v of board.visits()) {
		if (v.clientId === clientId && v.id !== excludeId && inPeriod(v.date, period)) {
			sum += estimateOf(ctx, v);
		}
	}
	return sum;
}

/** The rules, as the board applies them right now. */
export function boardJudge(board: BoardFrameSource, ctx: TeamContext): Judge {
	return createJudge(
		ctx,
		board.week,
		(clientId, period, excludeId) =>
			plannedOnBoard(board, ctx, clientId, period, excludeId) +
			board.plannedElsewhere(ctx, board.name, clientId, period, excludeId)
	);
}

/** The client's frame figures for every frame period the board's week touches. */
export function boardFrameRows(
	board: BoardFrameSource,
	ctx: TeamContext,
	clientId: string
): FrameRow[] {
	const decisions = ctx.decisions.get(clientId) ?? [];
	const periods = new Map<string, { period: FramePeriodRange; frameMinutes: number }>();
	for (const date of datesOfIsoWeek(board.week)) {
		const decision = decisionCovering(decisions, date);
		if (!decision) continue;
		const period = framePeriodOf(decision.framePeriod, date);
		if (!periods.has(period.key))
			periods.set(period.key, { period, frameMinutes: decision.frameMinutes });
	}
	return [...periods.values()].map(({ period, frameMinutes }) => {
		const figures = frameFigures({
			frameMinutes,
			usedMinutes: usedMinutes(ctx, clientId, period),
			plannedMinutes:
				plannedOnBoard(board, ctx, clientId, period, null) +
				board.plannedElsewhere(ctx, board.name, clientId, period),
			toleranceMinutes: ctx.toleranceMinutes
		});
		return {
			clientId,
			period: period.key,
			frameMinutes,
			usedMinutes: figures.usedMinutes,
			plannedMinutes: figures.plannedMinutes,
			leftMinutes: figures.leftMinutes
		};
	});
}
