/**
 * A board's bounds as the server keeps them (BOARD_LIMITS): the number of visits and the size
 * of the whole board. The size is measured now and then (encoding the doc costs about 10 ms
 * per MB) and estimated in between from the updates applied since, which can only
 * over-estimate it: an update adds at most its own length.
 */
import * as Y from 'yjs';
import { BOARD_LIMITS, type LimitReason } from '$lib/board';
import type { BoardVisit } from '$lib/board';
import type { Violation } from '$lib/domain/types';
import type { Judge } from './authority';

/** How a board stands towards its size bound for one incoming update. */
export type SizeStanding = 'ok' | 'full' | 'closed';

export class BoardSize {
	private measured = 0;
	/** Bytes applied since the last measurement. */
	private added = 0;

	constructor(
		private readonly doc: Y.Doc,
		private readonly limits: { bytes: number; hardBytes: number }
	) {
		this.measure();
	}

	/** The last measured size plus what was applied since (an upper bound). */
	get estimate(): number {
		return this.measured + this.added;
	}

	measure(): number {
		this.measuredAs(Y.encodeStateAsUpdate(this.doc).byteLength);
		return this.measured;
	}

	/** Records a size just measured elsewhere (by encoding the doc for a snapshot). */
	measuredAs(bytes: number): void {
		this.measured = bytes;
		this.added = 0;
	}

	/** Counts bytes just applied to the doc. */
	grew(bytes: number): void {
		this.added += bytes;
	}

	/**
	 * `ok` when an update of `bytes` keeps the board within its bound, `full` when its growth
	 * must be refused, `closed` when the board takes no change at all. Measures again only when
	 * the estimate says the bound is near and enough has changed since the last measurement,
	 * so a flood against a full board does not make the server encode it for every update.
	 */
	standing(bytes: number): SizeStanding {
		if (this.estimate + bytes > this.limits.bytes && this.added > this.limits.bytes / 16) {
			this.measure();
		}
		if (this.measured >= this.limits.hardBytes) return 'closed';
		return this.estimate + bytes > this.limits.bytes ? 'full' : 'ok';
	}
}

const limitViolation = (reason: LimitReason): Violation => ({ rule: 'malformed', reason });

/** True when two states of a visit agree on everything but rank, note and window. */
function sameRuleFields(a: BoardVisit, b: BoardVisit): boolean {
	return (
		a.clientId === b.clientId &&
		a.date === b.date &&
		a.dayPart === b.dayPart &&
		a.minutes === b.minutes &&
		a.status === b.status &&
		a.services.join() === b.services.join() &&
		a.assignees.join() === b.assignees.join()
	);
}

/**
 * The rules plus the board's bounds: a new visit beyond BOARD_LIMITS.visits, and a new visit
 * or a change of a visit's planning while the board is full, is refused like a malformed visit
 * (and so undone). Rank, note and window stay the team's, as with every refusal; each is
 * bounded on its own (VISIT_LIMITS).
 */
export function limitedJudge(
	judge: Judge,
	opts: { full: boolean; accepted: ReadonlyMap<string, BoardVisit> }
): Judge {
	return {
		...judge,
		check(visit, previous) {
			if (opts.full && !(previous && sameRuleFields(visit, previous))) {
				return [limitViolation('board-full')];
			}
			if (!previous && opts.accepted.size >= BOARD_LIMITS.visits) {
				return [limitViolation('too-many')];
			}
			return judge.check(visit, previous);
		}
	};
}
