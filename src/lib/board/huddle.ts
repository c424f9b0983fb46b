/**
 * The morning huddle's per-day notes and checklist. `huddle` maps a date to a Y.Map holding
 * `notes` (Y.Text) and `checklist` (Y.Map<itemId, Y.Map { text, done }>).
 */
import * as Y from 'yjs';
import type { IsoDate } from '$lib/domain/types';
import { newId } from './ids';
import { huddleMap, type HuddleDay } from './schema';

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
