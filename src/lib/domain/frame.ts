/**
 * Frame arithmetic: how much of a client's granted frame is used, planned and left, and which
 * recorded time counts. Rules F1–F4, T1 and T2 in SPEC.md.
 */
import { isWithin } from './periods';
import type { FramePeriodRange, FrameUsage, IsoDate, TimeEntry, Visit } from './types';

/** Colour of a frame on the board: plenty left, running low, or nothing left. */
export type FrameLevel = 'ok' | 'low' | 'out';

/** A frame counts as running low when at most this share of it is left. */
export const LOW_FRAME_SHARE = 0.2;

export interface FrameFiguresInput {
	frameMinutes: number;
	/** Recorded time in the period (effective entries only, see `effectiveTimeEntries`). */
	usedMinutes: number;
	/** Estimates of visits still planned in the period. */
	plannedMinutes: number;
	/** Minutes a plan may exceed the frame by (organisation setting, default 0). */
	toleranceMinutes?: number;
}

export interface FrameFigures {
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	toleranceMinutes: number;
	/** Minutes a plan may still add before the frame check refuses it (never negative). */
	leftMinutes: number;
	/** Minutes beyond frame + tolerance (0 unless overdrawn). */
	overMinutes: number;
	/** Used + planned exceeds frame + tolerance: only recorded time can bring a period here. */
	overdrawn: boolean;
	level: FrameLevel;
}

/**
 * The figures a board, a verdict and the frames report show for one client and period (F1).
 * "Left" is what a plan may still add — the same number the frame check (DL3) uses — so what
 * the board shows as left is exactly what the server will accept.
 */
export function frameFigures(input: FrameFiguresInput): FrameFigures {
	const toleranceMinutes = input.toleranceMinutes ?? 0;
	const { frameMinutes, usedMinutes, plannedMinutes } = input;
	const balance = frameMinutes + toleranceMinutes - usedMinutes - plannedMinutes;
	const leftMinutes = Math.max(0, balance);
	const level: FrameLevel =
		leftMinutes <= 0
			? 'out'
			: leftMinutes <= LOW_FRAME_SHARE * (frameMinutes + toleranceMinutes)
				? 'low'
				: 'ok';
	return {
		frameMinutes,
		usedMinutes,
		plannedMinutes,
		toleranceMinutes,
		leftMinutes,
		overMinutes: Math.max(0, -balance),
		overdrawn: balance < 0,
		level
	};
}

/**
 * Whether recording `addedMinutes` more real time overdraws the frame (F2). Real time is never
 * refused — the care was given — but such an entry is flagged for the manager and the case
 * officer. Planned estimates do not count here: only what was really spent.
 */
export function timeOverdrawsFrame(input: {
	frameMinutes: number;
	usedMinutes: number;
	addedMinutes: number;
	toleranceMinutes?: number;
}): boolean {
	return (
		input.addedMinutes > 0 &&
		input.usedMinutes + input.addedMinutes > input.frameMinutes + (input.toleranceMinutes ?? 0)
	);
}

/**
 * Whether time may be recorded for a visit on `date` (T2): time is recorded afterwards, so a
 * visit dated after `today` (the team's day, P8) has none yet; today's visits may be reported.
 */
export function timeRecordableOn(date: IsoDate, today: IsoDate): boolean {
	return date <= today;
}

/**
 * Whether a visit holds its estimate in its frame period (F4): while it is planned, and once
 * done until time is recorded for it — a visit marked done on the board without a report must
 * not free its minutes, or the frame would show time that was spent as left to plan. Once a
 * report exists its recorded time counts instead. Declined and cancelled visits hold nothing.
 */
export function holdsEstimate(visit: Pick<Visit, 'status'>, reported: boolean): boolean {
	return visit.status === 'planned' || (visit.status === 'done' && !reported);
}

/** The fields of a time entry that decide whether it still counts. */
export type CorrectableEntry = Pick<TimeEntry, 'id' | 'correctsId' | 'minutes'>;

/**
 * The time entries that count (T1). Entries are append-only so that billing and any later
 * investigation can see what was recorded when: a correction is a new entry whose `correctsId`
 * names the entry it replaces, corrections may be corrected again, and a correction of 0
 * minutes withdraws the entry. Counting every row would count corrected time twice; this keeps
 * exactly one entry per chain of corrections — the latest — and drops it when it is 0 minutes.
 *
 * Pass whole chains, in the order they were recorded (a correction's target must be in the list
 * for it to be replaced). Should two corrections name the same entry, the later one wins; a row
 * listed twice is counted once. Returns the surviving entries in input order.
 */
export function effectiveTimeEntries<T extends CorrectableEntry>(entries: readonly T[]): T[] {
	const byId = new Map<string, T>();
	const order = new Map<T, number>();
	for (const entry of entries) {
		if (byId.has(entry.id)) continue;
		byId.set(entry.id, entry);
		order.set(entry, order.size);
	}

	// Union-find over "corrects" links: each component is one chain (or tree) of corrections.
	const parent = new Map<string, string>();
	const find = (id: string): string => {
		let root = id;
		while (parent.get(root) !== root) root = parent.get(root) as string;
		let node = id;
		while (node !== root) {
			const next = parent.get(node) as string;
			parent.set(node, root);
			node = next;
		}
		return root;
	};
	for (const id of byId.keys()) parent.set(id, id);
	const corrected = new Set<string>();
	for (const entry of byId.values()) {
		const target = entry.correctsId;
		if (target == null || target === entry.id || !byId.has(target)) continue;
		corrected.add(target);
		const a = find(entry.id);
		const b = find(target);
		if (a !== b) parent.set(a, b);
	}

	// Per chain: the last recorded entry nobody corrects (in a corrupt cycle, the last one).
	const winners = new Map<string, { entry: T; tip: boolean }>();
	for (const entry of byId.values()) {
		const root = find(entry.id);
		const tip = !corrected.has(entry.id);
		const current = winners.get(root);
		if (!current || tip || !current.tip) winners.set(root, { entry, tip });
	}

	return [...winners.values()]
		.map((w) => w.entry)
		.filter((entry) => entry.minutes !== 0)
		.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
}

/** Total minutes of the entries that count (T1). */
export function effectiveMinutes(entries: readonly CorrectableEntry[]): number {
	return effectiveTimeEntries(entries).reduce((sum, entry) => sum + entry.minutes, 0);
}

/**
 * A client's frame usage in one period from raw entries and visits (F3), for callers that hold
 * the data in memory (the board, tests). Corrections are resolved over all entries before they
 * are filtered by date, so moving an entry to another day moves its minutes too. Declined and
 * cancelled visits plan nothing; a done visit's real time is in its entries, and until an
 * entry names it (`visitId`) its estimate still counts (F4).
 */
export function frameUsageOf(input: {
	clientId: string;
	period: FramePeriodRange;
	timeEntries: readonly TimeEntry[];
	visits: readonly Visit[];
	/** The visit being checked, left out of the planned minutes. */
	excludeVisitId?: string;
}): FrameUsage {
	const { clientId, period } = input;
	const usedMinutes = effectiveTimeEntries(input.timeEntries)
		.filter((e) => e.clientId === clientId && isWithin(e.date, period))
		.reduce((sum, e) => sum + e.minutes, 0);
	const reported = new Set(input.timeEntries.map((e) => e.visitId));
	const otherPlannedMinutes = input.visits
		.filter(
			(v) =>
				v.clientId === clientId &&
				holdsEstimate(v, reported.has(v.id)) &&
				v.id !== input.excludeVisitId &&
				isWithin(v.date, period)
		)
		.reduce((sum, v) => sum + v.minutes, 0);
	return { usedMinutes, otherPlannedMinutes };
}
