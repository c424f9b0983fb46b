/**
 * Typed reads and writes of the visits on a board doc (DESIGN.md §5). The UI, the server and
 * the tests all go through these, so a visit always has the layout the server validates.
 * Every write is one `doc.transact`: peers never see half a change, and the server judges it
 * as one.
 */
import * as Y from 'yjs';
import { rankBetween } from '$lib/domain/rank';
import { DAY_PARTS, type DayPart, type IsoDate, type VisitStatus } from '$lib/domain/types';
import { newId } from './ids';
import {
	BOARD_LIMITS,
	clearType,
	hasListContent,
	hasOnlyKeys,
	isPlainText,
	keepKeys,
	writePlainText
} from './limits';
import { UUID_PATTERN, VISIT_KEYS, visitsMap, type BoardVisit, type VisitKey } from './schema';

/**
 * Longest accepted medical window text, rank and note, and longest code, date, day part or
 * status: bounds on what one visit may hold (see also BOARD_LIMITS).
 */
export const VISIT_LIMITS = { window: 60, rank: 120, note: 4000, field: 60 } as const;

export type ParsedVisit = { ok: true; visit: BoardVisit } | { ok: false; reason: string };

/** A set (`Y.Map<key, true>`) of at most `max` keys of at most VISIT_LIMITS.field characters. */
function isTrueSet(value: unknown, max: number): value is Y.Map<unknown> {
	if (!(value instanceof Y.Map) || value.size > max || hasListContent(value)) return false;
	for (const [k, v] of value.entries())
		if (v !== true || k.length > VISIT_LIMITS.field) return false;
	return true;
}

const shortString = (value: unknown): value is string =>
	typeof value === 'string' && value.length <= VISIT_LIMITS.field;

/**
 * Reads a visit's Y.Map into plain data, or says why it does not have the visit layout.
 * Only the shape is checked here (types, sets, lengths); what the values mean — known client,
 * date inside the week, minutes in steps of 5, known codes — is the rules' job (M1–M9).
 */
export function parseVisit(id: string, value: unknown): ParsedVisit {
	if (!UUID_PATTERN.test(id)) return { ok: false, reason: 'invalid-id' };
	if (!(value instanceof Y.Map) || !hasOnlyKeys(value, VISIT_KEYS)) {
		return { ok: false, reason: 'invalid-layout' };
	}
	const clientId = value.get('clientId');
	const date = value.get('date');
	const dayPart = value.get('dayPart');
	const window = value.get('window');
	const services = value.get('services');
	const minutes = value.get('minutes');
	const assignees = value.get('assignees');
	const rank = value.get('rank');
	const status = value.get('status');
	const note = value.get('note');
	if (note instanceof Y.Text && note.length > VISIT_LIMITS.note) {
		return { ok: false, reason: 'text-too-long' };
	}
	if (
		(services instanceof Y.Map && services.size > BOARD_LIMITS.visitServices) ||
		(assignees instanceof Y.Map && assignees.size > BOARD_LIMITS.visitAssignees)
	) {
		return { ok: false, reason: 'too-many' };
	}
	if (
		!shortString(clientId) ||
		!shortString(date) ||
		!shortString(dayPart) ||
		typeof minutes !== 'number' ||
		!shortString(status) ||
		typeof rank !== 'string' ||
		rank.length > VISIT_LIMITS.rank ||
		(window !== undefined && (typeof window !== 'string' || window.length > VISIT_LIMITS.window)) ||
		!isTrueSet(services, BOARD_LIMITS.visitServices) ||
		!isTrueSet(assignees, BOARD_LIMITS.visitAssignees) ||
		(note !== undefined && !(note instanceof Y.Text)) ||
		(note instanceof Y.Text && !isPlainText(note))
	) {
		return { ok: false, reason: 'invalid-layout' };
	}
	const visit: BoardVisit = {
		id,
		clientId,
		date,
		dayPart: dayPart as DayPart,
		services: [...services.keys()].sort(),
		minutes,
		assignees: [...assignees.keys()].sort(),
		status: status as VisitStatus,
		rank,
		note: note instanceof Y.Text ? note.toString() : ''
	};
	if (window !== undefined) visit.window = window as string;
	return { ok: true, visit };
}

/** The visit's Y.Map, or throws when the board has no such visit. */
function visitMap(doc: Y.Doc, id: string): Y.Map<unknown> {
	const value = visitsMap(doc).get(id);
	if (!(value instanceof Y.Map)) throw new Error(`no visit ${id} on this board`);
	return value;
}

/** A visit as plain data, or undefined when it is missing or does not have the visit layout. */
export function readVisit(doc: Y.Doc, id: string): BoardVisit | undefined {
	const parsed = parseVisit(id, visitsMap(doc).get(id));
	return parsed.ok ? parsed.visit : undefined;
}

const dayPartOrder = (d: string) => (DAY_PARTS as readonly string[]).indexOf(d);

/** Board order: by date, day part, then rank (ties by id so every replica agrees). */
export function compareVisits(a: BoardVisit, b: BoardVisit): number {
	if (a.date !== b.date) return a.date < b.date ? -1 : 1;
	if (a.dayPart !== b.dayPart) return dayPartOrder(a.dayPart) - dayPartOrder(b.dayPart);
	if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every visit with the visit layout, in board order. */
export function visitsOf(doc: Y.Doc): BoardVisit[] {
	const result: BoardVisit[] = [];
	for (const [id, value] of visitsMap(doc).entries()) {
		const parsed = parseVisit(id, value);
		if (parsed.ok) result.push(parsed.visit);
	}
	return result.sort(compareVisits);
}

/** The visits of one column (a date and day part), in rank order. */
export function columnOf(doc: Y.Doc, date: IsoDate, dayPart: DayPart): BoardVisit[] {
	return visitsOf(doc).filter((v) => v.date === date && v.dayPart === dayPart);
}

/** A rank that sorts after every visit now in the column. */
export function rankAtEnd(doc: Y.Doc, date: IsoDate, dayPart: DayPart): string {
	const column = columnOf(doc, date, dayPart);
	return rankBetween(column.at(-1)?.rank ?? null, null);
}

export interface NewVisit {
	/** A UUID chosen by the creator; a fresh one when omitted. */
	id?: string;
	clientId: string;
	date: IsoDate;
	dayPart: DayPart;
	services: string[];
	minutes: number;
	assignees?: string[];
	status?: VisitStatus;
	window?: string;
	/** Defaults to the end of its column. */
	rank?: string;
	note?: string;
}

const trueSet = (keys: Iterable<string>) =>
	new Y.Map<true>([...new Set(keys)].map((k) => [k, true] as [string, true]));

/** Adds a visit to the board and returns its id. */
export function createVisit(doc: Y.Doc, init: NewVisit): string {
	const id = init.id ?? newId();
	doc.transact(() => {
		const map = new Y.Map<unknown>();
		map.set('clientId', init.clientId);
		map.set('date', init.date);
		map.set('dayPart', init.dayPart);
		if (init.window !== undefined) map.set('window', init.window);
		map.set('services', trueSet(init.services));
		map.set('minutes', init.minutes);
		map.set('assignees', trueSet(init.assignees ?? []));
		map.set('rank', init.rank ?? rankAtEnd(doc, init.date, init.dayPart));
		map.set('status', init.status ?? 'planned');
		map.set('note', new Y.Text(init.note ?? ''));
		visitsMap(doc).set(id, map);
	});
	return id;
}

/** Removes a visit from the board altogether (a cancelled visit keeps its place instead). */
export function deleteVisit(doc: Y.Doc, id: string): void {
	doc.transact(() => visitsMap(doc).delete(id));
}

/** Applies `edit` to a set-valued field, creating the set when the field lost its layout. */
function editSet(
	doc: Y.Doc,
	id: string,
	key: 'services' | 'assignees',
	edit: (set: Y.Map<unknown>) => void
) {
	doc.transact(() => {
		const map = visitMap(doc, id);
		let set = map.get(key);
		if (!(set instanceof Y.Map)) {
			set = new Y.Map<unknown>();
			map.set(key, set);
		}
		edit(set as Y.Map<unknown>);
	});
}

function replaceSet(set: Y.Map<unknown>, keys: Iterable<string>) {
	const wanted = new Set(keys);
	if (hasListContent(set)) clearType(set, false);
	for (const key of [...set.keys()]) if (!wanted.has(key)) set.delete(key);
	for (const key of wanted) if (set.get(key) !== true) set.set(key, true);
}

export function assign(doc: Y.Doc, id: string, staffId: string): void {
	editSet(doc, id, 'assignees', (set) => set.set(staffId, true));
}

export function unassign(doc: Y.Doc, id: string, staffId: string): void {
	editSet(doc, id, 'assignees', (set) => set.delete(staffId));
}

export function setAssignees(doc: Y.Doc, id: string, staffIds: Iterable<string>): void {
	editSet(doc, id, 'assignees', (set) => replaceSet(set, staffIds));
}

export function addService(doc: Y.Doc, id: string, code: string): void {
	editSet(doc, id, 'services', (set) => set.set(code, true));
}

export function removeService(doc: Y.Doc, id: string, code: string): void {
	editSet(doc, id, 'services', (set) => set.delete(code));
}

export function setServices(doc: Y.Doc, id: string, codes: Iterable<string>): void {
	editSet(doc, id, 'services', (set) => replaceSet(set, codes));
}

function setField(doc: Y.Doc, id: string, key: VisitKey, value: unknown) {
	doc.transact(() => {
		const map = visitMap(doc, id);
		if (map.get(key) !== value) map.set(key, value);
	});
}

export function setDayPart(doc: Y.Doc, id: string, dayPart: DayPart): void {
	setField(doc, id, 'dayPart', dayPart);
}

export function setMinutes(doc: Y.Doc, id: string, minutes: number): void {
	setField(doc, id, 'minutes', minutes);
}

export function setStatus(doc: Y.Doc, id: string, status: VisitStatus): void {
	setField(doc, id, 'status', status);
}

export function setRank(doc: Y.Doc, id: string, rank: string): void {
	setField(doc, id, 'rank', rank);
}

/** Sets or (with undefined) clears the medical time window. */
export function setWindow(doc: Y.Doc, id: string, window: string | undefined): void {
	doc.transact(() => {
		const map = visitMap(doc, id);
		if (window === undefined) map.delete('window');
		else if (map.get('window') !== window) map.set('window', window);
	});
}

/** Replaces the note's text (collaborative edits can use the Y.Text from `noteOf`). */
export function setNote(doc: Y.Doc, id: string, text: string): void {
	doc.transact(() => {
		const map = visitMap(doc, id);
		const note = map.get('note');
		if (note instanceof Y.Text) {
			if (note.toString() === text) return;
			note.delete(0, note.length);
			note.insert(0, text);
		} else {
			map.set('note', new Y.Text(text));
		}
	});
}

/** The note as a shared Y.Text for a collaborative editor, if the visit has one. */
export function noteOf(doc: Y.Doc, id: string): Y.Text | undefined {
	const note = (visitsMap(doc).get(id) as Y.Map<unknown> | undefined)?.get?.('note');
	return note instanceof Y.Text ? note : undefined;
}

/**
 * Moves a visit within the week: another date, day part and/or place in its column. Without
 * a rank, a visit that changes column goes to the end of the new one.
 */
export function moveVisit(
	doc: Y.Doc,
	id: string,
	to: { date?: IsoDate; dayPart?: DayPart; rank?: string }
): void {
	doc.transact(() => {
		const map = visitMap(doc, id);
		const date = to.date ?? (map.get('date') as IsoDate);
		const dayPart = to.dayPart ?? (map.get('dayPart') as DayPart);
		const changesColumn = date !== map.get('date') || dayPart !== map.get('dayPart');
		const rank = to.rank ?? (changesColumn ? rankAtEnd(doc, date, dayPart) : undefined);
		if (date !== map.get('date')) map.set('date', date);
		if (dayPart !== map.get('dayPart')) map.set('dayPart', dayPart);
		if (rank !== undefined && rank !== map.get('rank')) map.set('rank', rank);
	});
}

/**
 * Makes the visit's fields equal to `state`, touching only what differs, and returns the
 * keys it changed. The server uses it to undo a refused change; it also rebuilds a visit
 * whose map was replaced by something without the visit layout.
 */
export function writeVisitState(doc: Y.Doc, state: BoardVisit): VisitKey[] {
	const changed: VisitKey[] = [];
	doc.transact(() => {
		const visits = visitsMap(doc);
		const existing = visits.get(state.id);
		if (!(existing instanceof Y.Map)) {
			createVisit(doc, { ...state, assignees: state.assignees });
			changed.push('clientId', 'date', 'dayPart', 'services', 'minutes', 'assignees', 'rank');
			changed.push('status', 'note');
			return;
		}
		const map = existing as Y.Map<unknown>;
		keepKeys(map, VISIT_KEYS);
		for (const key of ['clientId', 'date', 'dayPart', 'minutes', 'rank', 'status'] as const) {
			if (map.get(key) !== state[key]) {
				map.set(key, state[key]);
				changed.push(key);
			}
		}
		if (map.get('window') !== state.window) {
			if (state.window === undefined) map.delete('window');
			else map.set('window', state.window);
			changed.push('window');
		}
		for (const key of ['services', 'assignees'] as const) {
			const set = map.get(key);
			const wanted = state[key];
			if (
				set instanceof Y.Map &&
				!hasListContent(set) &&
				set.size === wanted.length &&
				wanted.every((k) => set.get(k) === true)
			) {
				continue;
			}
			if (set instanceof Y.Map) replaceSet(set as Y.Map<unknown>, wanted);
			else map.set(key, trueSet(wanted));
			changed.push(key);
		}
		const note = map.get('note');
		if (!(note instanceof Y.Text) || !isPlainText(note) || note.toString() !== state.note) {
			if (note instanceof Y.Text) writePlainText(note, state.note);
			else map.set('note', new Y.Text(state.note));
			changed.push('note');
		}
	});
	return changed;
}
