/**
 * The morning huddle's per-day notes and checklist. `huddle` maps a date to a Y.Map holding
 * `notes` (Y.Text) and `checklist` (Y.Map<itemId, Y.Map { text, done }>).
 */
import * as Y from 'yjs';
import type { IsoDate } from '$lib/domain/types';
import { newId } from './ids';
import {
	BOARD_LIMITS,
	hasListContent,
	hasOnlyKeys,
	isPlainText,
	keepKeys,
	writePlainText
} from './limits';
import { huddleMap, type HuddleDay } from './schema';

const DAY_KEYS = ['notes', 'checklist'] as const;
const ITEM_KEYS = ['text', 'done', 'at'] as const;
/** Checklist item ids: UUIDs, or fixed names such as `signals-read`. */
const ITEM_ID = /^[0-9a-z-]{1,40}$/;

/** A huddle day as stored, with each checklist item's order (`at`). */
export interface StoredHuddleDay {
	date: IsoDate;
	notes: string;
	checklist: { id: string; text: string; done: boolean; at: number }[];
}

export type ParsedHuddleDay = { ok: true; day: StoredHuddleDay } | { ok: false; reason: string };

/**
 * Reads one day of the huddle, or says why it does not have the layout. `dates` are the days
 * the board may have huddle notes for (the days of its week).
 */
export function parseHuddleDay(
	date: string,
	value: unknown,
	dates: readonly string[]
): ParsedHuddleDay {
	if (!dates.includes(date) || !(value instanceof Y.Map) || !hasOnlyKeys(value, DAY_KEYS)) {
		return { ok: false, reason: 'invalid-layout' };
	}
	const notes = value.get('notes');
	const checklist = value.get('checklist');
	if (
		(notes !== undefined && !(notes instanceof Y.Text)) ||
		(checklist !== undefined && !(checklist instanceof Y.Map))
	) {
		return { ok: false, reason: 'invalid-layout' };
	}
	if (notes instanceof Y.Text && notes.length > BOARD_LIMITS.huddleNotes) {
		return { ok: false, reason: 'text-too-long' };
	}
	if (checklist instanceof Y.Map && checklist.size > BOARD_LIMITS.checklistItems) {
		return { ok: false, reason: 'too-many' };
	}
	if (
		(notes instanceof Y.Text && !isPlainText(notes)) ||
		(checklist instanceof Y.Map && hasListContent(checklist))
	) {
		return { ok: false, reason: 'invalid-layout' };
	}
	const day: StoredHuddleDay = {
		date,
		notes: notes instanceof Y.Text ? notes.toString() : '',
		checklist: []
	};
	if (checklist instanceof Y.Map) {
		for (const [id, item] of (checklist as Y.Map<unknown>).entries()) {
			if (!ITEM_ID.test(id) || !(item instanceof Y.Map) || !hasOnlyKeys(item, ITEM_KEYS)) {
				return { ok: false, reason: 'invalid-layout' };
			}
			const text = item.get('text');
			const done = item.get('done') ?? false;
			const at = item.get('at') ?? 0;
			if (typeof text === 'string' && text.length > BOARD_LIMITS.checklistText) {
				return { ok: false, reason: 'text-too-long' };
			}
			if (typeof text !== 'string' || typeof done !== 'boolean' || typeof at !== 'number') {
				return { ok: false, reason: 'invalid-layout' };
			}
			day.checklist.push({ id, text, done, at });
		}
	}
	return { ok: true, day };
}

/**
 * Makes one huddle day equal to `state`, touching only what differs (creating the day when it
 * is missing). The server uses it to undo a refused change.
 */
export function writeHuddleDay(doc: Y.Doc, state: StoredHuddleDay): void {
	doc.transact(() => {
		const day = dayMap(doc, state.date);
		keepKeys(day, DAY_KEYS);
		writePlainText(day.get('notes') as Y.Text, state.notes);
		const checklist = day.get('checklist') as Y.Map<unknown>;
		keepKeys(
			checklist,
			state.checklist.map((i) => i.id)
		);
		for (const wanted of state.checklist) {
			let item = checklist.get(wanted.id);
			if (!(item instanceof Y.Map)) {
				item = new Y.Map<unknown>();
				checklist.set(wanted.id, item);
			}
			const map = item as Y.Map<unknown>;
			keepKeys(map, ITEM_KEYS);
			for (const key of ITEM_KEYS) if (map.get(key) !== wanted[key]) map.set(key, wanted[key]);
		}
	});
}

/** The day's huddle map, created on first write. */
function dayMap(doc: Y.Doc, date: IsoDate): Y.Map<unknown> {
	const huddle = huddleMap(doc);
	let day = huddle.get(date);
	if (!(day instanceof Y.Map)) {
		day = new Y.Map<unknown>();
		huddle.set(date, day);
	}
	const map = day as Y.Map<unknown>;
	if (!(map.get('notes') instanceof Y.Text)) map.set('notes', new Y.Text());
	if (!(map.get('checklist') instanceof Y.Map)) map.set('checklist', new Y.Map());
	return map;
}

export function setHuddleNotes(doc: Y.Doc, date: IsoDate, text: string): void {
	doc.transact(() => {
		const notes = dayMap(doc, date).get('notes') as Y.Text;
		if (notes.toString() === text) return;
		notes.delete(0, notes.length);
		notes.insert(0, text);
	});
}

export function addHuddleItem(doc: Y.Doc, date: IsoDate, text: string, id = newId()): string {
	doc.transact(() => {
		const item = new Y.Map<unknown>();
		item.set('text', text);
		item.set('done', false);
		const checklist = dayMap(doc, date).get('checklist') as Y.Map<unknown>;
		// Order of adding: after every item already there, even within the same millisecond.
		let last = 0;
		for (const other of checklist.values()) {
			const at = other instanceof Y.Map ? other.get('at') : undefined;
			if (typeof at === 'number' && at > last) last = at;
		}
		item.set('at', Math.max(Date.now(), last + 1));
		checklist.set(id, item);
	});
	return id;
}

export function setHuddleItemDone(doc: Y.Doc, date: IsoDate, id: string, done: boolean): void {
	doc.transact(() => {
		const item = (dayMap(doc, date).get('checklist') as Y.Map<unknown>).get(id);
		if (!(item instanceof Y.Map)) throw new Error(`no checklist item ${id} on ${date}`);
		item.set('done', done);
	});
}

export function readHuddle(doc: Y.Doc, date: IsoDate): HuddleDay {
	const day = huddleMap(doc).get(date);
	const result: HuddleDay = { date, notes: '', checklist: [] };
	if (!(day instanceof Y.Map)) return result;
	const notes = day.get('notes');
	if (notes instanceof Y.Text) result.notes = notes.toString();
	const checklist = day.get('checklist');
	if (checklist instanceof Y.Map) {
		const items: (HuddleDay['checklist'][number] & { at: number })[] = [];
		for (const [id, item] of (checklist as Y.Map<unknown>).entries()) {
			if (!(item instanceof Y.Map) || typeof item.get('text') !== 'string') continue;
			const at = item.get('at');
			items.push({
				id,
				text: item.get('text') as string,
				done: item.get('done') === true,
				at: typeof at === 'number' ? at : 0
			});
		}
		items.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
		result.checklist = items.map(({ id, text, done }) => ({ id, text, done }));
	}
	return result;
}
