/**
 * How much one board may hold (DESIGN.md §5, §6). Every text and every map of the doc layout
 * has a bound, and so has the board as a whole, so that nobody — by mistake or on purpose —
 * can make a board that is slow to load, to store or to send. The server refuses, with a
 * verdict, a change that goes over a bound and undoes it like any refused change; the UI uses
 * the same numbers for its input fields.
 *
 * The numbers leave ample room for the busiest real team: a week of 25 clients and 600 visits
 * with notes encodes to about 260 KB, and to about 620 KB after 24,000 edits.
 */
import * as Y from 'yjs';
import { isoWeekKey, isoWeekRange } from '$lib/domain/periods';
import type { IsoDate } from '$lib/domain/types';

export const BOARD_LIMITS = {
	/** Visits on one board (a busy week has about 600). */
	visits: 1500,
	/** Services and assignees of one visit. */
	visitServices: 30,
	visitAssignees: 10,
	/** Signals on one board, and characters in one signal. */
	signals: 300,
	signalText: 1000,
	/** Characters of the huddle notes of one day. */
	huddleNotes: 4000,
	/** Checklist items of one day, and characters in one item. */
	checklistItems: 50,
	checklistText: 200,
	/**
	 * Encoded size of the whole board (bytes) above which a change that adds to it is refused;
	 * deleting still works.
	 */
	bytes: 1536 * 1024,
	/**
	 * Size above which the board takes no change at all: refused changes are undone by adding a
	 * compensation, which also takes room, so a flood of refused changes stops here.
	 */
	hardBytes: 2 * 1024 * 1024
} as const;

/**
 * Boards that may be created by opening them: weeks from `past` weeks before today's to
 * `future` weeks after it. A board outside the window is opened only when it exists already,
 * or after a person asked for it on the board page, so a script cannot fill the database with
 * hundreds of empty or base-plan-filled weeks.
 */
export const NEW_BOARD_WEEKS = { past: 4, future: 12 } as const;

/** Whole weeks from the ISO week of `today` to `week` (negative in the past). */
export function weeksFromToday(week: string, today: IsoDate): number {
	const start = Date.parse(`${isoWeekRange(week).start}T00:00:00Z`);
	const current = Date.parse(`${isoWeekRange(isoWeekKey(today)).start}T00:00:00Z`);
	return Math.round((start - current) / (7 * 24 * 3600 * 1000));
}

/** True when a board for `week` may be created just by opening it (see NEW_BOARD_WEEKS). */
export function opensFreely(week: string, today: IsoDate): boolean {
	const weeks = weeksFromToday(week, today);
	return weeks >= -NEW_BOARD_WEEKS.past && weeks <= NEW_BOARD_WEEKS.future;
}

/** Why a change was refused for a bound of the layout (a verdict's `reason`). */
export const LIMIT_REASONS = [
	/** A text longer than its bound (note, signal, huddle notes, checklist item). */
	'text-too-long',
	/** More visits, signals, checklist items, services or assignees than the bound. */
	'too-many',
	/** The board as a whole is at its size bound. */
	'board-full'
] as const;
export type LimitReason = (typeof LIMIT_REASONS)[number];

export function isLimitReason(reason: unknown): reason is LimitReason {
	return (LIMIT_REASONS as readonly unknown[]).includes(reason);
}

/**
 * True when `text` holds only characters: no formatting, embeds or nested types, which the
 * layout never uses and which would not count in `text.length`.
 */
export function isPlainText(text: Y.Text): boolean {
	for (let item = text._start; item; item = item.right) {
		if (!item.deleted && !(item.content instanceof Y.ContentString)) return false;
	}
	return true;
}

/** What the helpers below need of a Yjs type (any of Y.Map, Y.Text, a root type …). */
export interface SharedType {
	_start: Y.Item | null;
	_map: Map<string, Y.Item>;
	doc: Y.Doc | null;
}

/** True when a map also holds list content, which the layout never uses. */
export function hasListContent(map: SharedType): boolean {
	for (let item = map._start; item; item = item.right) if (!item.deleted) return true;
	return false;
}

/** Deletes every list item of `type` (and, with `entries`, every map entry too). */
export function clearType(type: SharedType, entries: boolean): void {
	const doc = type.doc;
	if (!doc) return;
	doc.transact((tr) => {
		for (let item = type._start; item; item = item.right) if (!item.deleted) item.delete(tr);
		if (entries) for (const item of type._map.values()) if (!item.deleted) item.delete(tr);
	});
}

/**
 * Makes `text` hold exactly `value` as plain characters, touching it only when it differs.
 * Formatting and embeds are removed.
 */
export function writePlainText(text: Y.Text, value: string): void {
	if (isPlainText(text) && text.toString() === value) return;
	clearType(text, false);
	text.insert(0, value);
}

/** Deletes the keys of `map` that are not in `allowed`, and any list content. */
export function keepKeys(map: Y.Map<unknown>, allowed: readonly string[]): void {
	for (const key of [...map.keys()]) if (!allowed.includes(key)) map.delete(key);
	if (hasListContent(map)) clearType(map, false);
}

/** True when `map` has only keys from `allowed` and no list content. */
export function hasOnlyKeys(map: Y.Map<unknown>, allowed: readonly string[]): boolean {
	for (const key of map.keys()) if (!allowed.includes(key)) return false;
	return !hasListContent(map);
}
