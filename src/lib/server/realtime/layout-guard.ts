/**
 * The layout of everything on a board besides the visits (which the authority judges) and the
 * absences (which the server mirrors from the database): signals, the huddle's notes and
 * checklists, and anything a tampered client writes where the layout has nothing (DESIGN.md §5).
 * Like the authority, it keeps the last accepted state of every signal and huddle day and
 * puts it back when a change breaks the layout or goes over a bound (BOARD_LIMITS), in a
 * compensating change every replica receives. What the layout does not know is removed.
 *
 * Synchronous and free of I/O, like the authority.
 */
import * as Y from 'yjs';
import {
	ABSENCES,
	BOARD_LIMITS,
	HUDDLE,
	SIGNALS,
	VISITS,
	absencesMap,
	clearType,
	hasListContent,
	huddleMap,
	isLimitReason,
	parseHuddleDay,
	parseSignal,
	signalsMap,
	writeHuddleDay,
	writeSignalState,
	type BoardSignal,
	type LimitReason,
	type StoredHuddleDay
} from '$lib/board';
import { datesOfIsoWeek } from '$lib/domain/periods';
import { AUTHORITY } from './authority';

/**
 * A change to a signal or a huddle day that was undone, or one a full board did not take at
 * all (`board`), for the author's verdict.
 */
export interface LimitRefusal {
	about: 'signal' | 'huddle' | 'board';
	/** The signal's id, or the huddle day's date ('' for the board). */
	id: string;
	reason: LimitReason | 'invalid-layout';
}

/** What a client's update touched outside the visits. */
export interface Touched {
	signals: Set<string>;
	huddle: Set<string>;
	absences: Set<string>;
	/** Root types with content the layout does not have (list items, or an unknown root). */
	roots: Set<Y.AbstractType<unknown>>;
}

const KNOWN_ROOTS: readonly string[] = [VISITS, ABSENCES, SIGNALS, HUDDLE];

/** The root type above `type` and the key of the root's entry that holds it (null: list content). */
function entryOf(type: Y.AbstractType<unknown>): {
	root: Y.AbstractType<unknown>;
	key: string | null;
} {
	let node = type;
	let key: string | null = null;
	while (node._item) {
		key = node._item.parentSub;
		node = node._item.parent as Y.AbstractType<unknown>;
	}
	return { root: node, key };
}

/** The name of a root type ('' when the doc does not know it as a root). */
function rootName(root: Y.AbstractType<unknown>): string {
	try {
		return Y.findRootTypeKey(root);
	} catch {
		return '';
	}
}

const sameSignal = (a: BoardSignal, b: BoardSignal) =>
	a.clientId === b.clientId &&
	a.text === b.text &&
	a.followUpBy === b.followUpBy &&
	a.done === b.done;

const sameDay = (a: StoredHuddleDay, b: StoredHuddleDay) =>
	a.notes === b.notes && JSON.stringify(a.checklist) === JSON.stringify(b.checklist);

export class LayoutGuard {
	/** The last accepted state of every signal and huddle day. */
	readonly signals = new Map<string, BoardSignal>();
	readonly huddle = new Map<string, StoredHuddleDay>();
	private readonly dates: string[];
	/** The origin of the client update being applied; every other change is the server's. */
	private watching: unknown = undefined;

	constructor(
		readonly doc: Y.Doc,
		week: string
	) {
		this.dates = datesOfIsoWeek(week);
		for (const id of signalsMap(doc).keys()) this.learnSignal(id);
		for (const date of huddleMap(doc).keys()) this.learnHuddleDay(date);
		// What the server writes itself (a signal from a visit report, a compensation) is accepted.
		doc.on('afterTransaction', (tr: Y.Transaction) => {
			if (tr.origin === this.watching && this.watching !== undefined) return;
			for (const changed of tr.changed.keys()) {
				const { root, key } = entryOf(changed as Y.AbstractType<unknown>);
				const entries = changed === root ? [...(tr.changed.get(changed) ?? [])] : [key];
				const name = rootName(root);
				for (const entry of entries) {
					if (entry === null) continue;
					if (name === SIGNALS) this.learnSignal(entry);
					else if (name === HUDDLE) this.learnHuddleDay(entry);
				}
			}
		});
	}

	private learnSignal(id: string): void {
		const parsed = parseSignal(id, signalsMap(this.doc).get(id));
		if (parsed.ok) this.signals.set(id, parsed.signal);
		else this.signals.delete(id);
	}

	private learnHuddleDay(date: string): void {
		const parsed = parseHuddleDay(date, huddleMap(this.doc).get(date), this.dates);
		if (parsed.ok) this.huddle.set(date, parsed.day);
		else this.huddle.delete(date);
	}

	/** Runs `apply` (which applies a client's update with `origin`) and notes what it touched. */
	watch<T>(origin: unknown, apply: () => T): { result: T; touched: Touched } {
		const touched: Touched = {
			signals: new Set(),
			huddle: new Set(),
			absences: new Set(),
			roots: new Set()
		};
		const onTransaction = (tr: Y.Transaction) => {
			if (tr.origin !== origin) return;
			for (const [changed, keys] of tr.changed) {
				const type = changed as Y.AbstractType<unknown>;
				const { root, key } = entryOf(type);
				const name = rootName(root);
				const entries = type === root ? [...keys] : [key];
				if (!KNOWN_ROOTS.includes(name) || entries.includes(null)) touched.roots.add(root);
				for (const entry of entries) {
					if (entry === null) continue;
					if (name === SIGNALS) touched.signals.add(entry);
					else if (name === HUDDLE) touched.huddle.add(entry);
					else if (name === ABSENCES) touched.absences.add(entry);
				}
			}
		};
		this.doc.on('afterTransaction', onTransaction);
		this.watching = origin;
		try {
			return { result: apply(), touched };
		} finally {
			this.watching = undefined;
			this.doc.off('afterTransaction', onTransaction);
		}
	}

	/**
	 * Judges what an update touched and undoes what breaks the layout or a bound, in one
	 * transaction of the authority. With `full` (the board is at its size bound) every change
	 * to a signal or a huddle day is undone; deleting one stands.
	 */
	settle(
		touched: Touched,
		opts: { full: boolean }
	): { compensation: Uint8Array | null; refusals: LimitRefusal[] } {
		const refusals: LimitRefusal[] = [];
		let compensation: Uint8Array | null = null;
		const onUpdate = (update: Uint8Array, origin: unknown) => {
			if (origin === AUTHORITY) compensation = update;
		};
		this.doc.on('update', onUpdate);
		try {
			this.doc.transact(() => {
				for (const root of touched.roots) {
					clearType(root, !KNOWN_ROOTS.includes(rootName(root)));
				}
				for (const id of touched.signals) {
					const refusal = this.judgeSignal(id, opts.full);
					if (refusal) refusals.push(refusal);
				}
				for (const date of touched.huddle) {
					const refusal = this.judgeHuddleDay(date, opts.full);
					if (refusal) refusals.push(refusal);
				}
				for (const staffId of touched.absences) {
					const days = absencesMap(this.doc).get(staffId);
					if (days instanceof Y.Map && hasListContent(days)) clearType(days, false);
				}
			}, AUTHORITY);
		} finally {
			this.doc.off('update', onUpdate);
		}
		return { compensation, refusals };
	}

	private judgeSignal(id: string, full: boolean): LimitRefusal | undefined {
		const signals = signalsMap(this.doc);
		const raw = signals.get(id);
		const previous = this.signals.get(id);
		// Taking a signal off the board is the team's call.
		if (raw === undefined) {
			this.signals.delete(id);
			return undefined;
		}
		const parsed = parseSignal(id, raw);
		let reason = parsed.ok ? null : parsed.reason;
		if (parsed.ok && !(previous && sameSignal(previous, parsed.signal))) {
			if (full) reason = 'board-full';
			else if (!previous && this.signals.size >= BOARD_LIMITS.signals) reason = 'too-many';
		}
		if (parsed.ok && reason === null) {
			this.signals.set(id, parsed.signal);
			return undefined;
		}
		if (previous) writeSignalState(this.doc, previous);
		else signals.delete(id);
		return { about: 'signal', id, reason: isLimitReason(reason) ? reason : 'invalid-layout' };
	}

	private judgeHuddleDay(date: string, full: boolean): LimitRefusal | undefined {
		const huddle = huddleMap(this.doc);
		const raw = huddle.get(date);
		const previous = this.huddle.get(date);
		if (raw === undefined) {
			this.huddle.delete(date);
			return undefined;
		}
		const parsed = parseHuddleDay(date, raw, this.dates);
		let reason = parsed.ok ? null : parsed.reason;
		if (parsed.ok && full && !(previous && sameDay(previous, parsed.day))) reason = 'board-full';
		if (parsed.ok && reason === null) {
			this.huddle.set(date, parsed.day);
			return undefined;
		}
		if (previous) writeHuddleDay(this.doc, previous);
		else huddle.delete(date);
		return { about: 'huddle', id: date, reason: isLimitReason(reason) ? reason : 'invalid-layout' };
	}
}
