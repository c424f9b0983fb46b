import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDays, isoWeekKey } from '$lib/domain/periods';
import {
	BOARD_LIMITS,
	NEW_BOARD_WEEKS,
	VISIT_LIMITS,
	huddleMap,
	noteOf,
	opensFreely,
	parseHuddleDay,
	parseSignal,
	signalsMap,
	weeksFromToday,
	writeHuddleDay,
	writeSignalState,
	addHuddleItem,
	addService,
	addSignal,
	assign,
	boardRoom,
	clearAbsence,
	columnOf,
	createVisit,
	isAbsent,
	markAbsent,
	moveVisit,
	parseBoardRoom,
	parseVisit,
	readAbsences,
	readHuddle,
	readSignals,
	readVisit,
	removeService,
	setHuddleItemDone,
	setHuddleNotes,
	setMinutes,
	setNote,
	setSignalDone,
	setStatus,
	setWindow,
	unassign,
	visitsMap,
	visitsOf,
	writeVisitState
} from './index';

const TEAM = '0b6f7f5e-3f0a-4c55-9d55-1f0e8a2b9c01';
const CLIENT = '5d0c2a61-7a3e-4d7c-8f6a-2b9e1c3d4e5f';
const ANNA = 'a1a1a1a1-0000-4000-8000-000000000001';
const BERTIL = 'b2b2b2b2-0000-4000-8000-000000000002';

function sync(a: Y.Doc, b: Y.Doc) {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('board rooms', () => {
	it('names one board per team and ISO week and refuses anything else', () => {
		expect(boardRoom(TEAM, '2026-W48')).toBe(`board:${TEAM}:2026-W48`);
		expect(parseBoardRoom(`board:${TEAM}:2026-W48`)).toEqual({ teamId: TEAM, week: '2026-W48' });
		expect(parseBoardRoom(`board:${TEAM}:2026-W53`)).toEqual({ teamId: TEAM, week: '2026-W53' });
		expect(parseBoardRoom(`board:${TEAM}:2025-W53`)).toBeNull();
		expect(parseBoardRoom(`board:${TEAM.toUpperCase()}:2026-W48`)).toBeNull();
		expect(parseBoardRoom(`board:${TEAM}:2026-11`)).toBeNull();
		expect(parseBoardRoom('board:team:2026-W48')).toBeNull();
		expect(parseBoardRoom(42)).toBeNull();
	});
});

describe('visits', () => {
	it('reads back what was created, with sets sorted and a rank at the end of its column', () => {
		const doc = new Y.Doc();
		const first = createVisit(doc, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['shower', 'insulin', 'shower'],
			minutes: 45,
			assignees: [BERTIL, ANNA],
			window: 'före 09:00',
			note: 'Nyckel i nyckelskåpet'
		});
		const second = createVisit(doc, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		expect(readVisit(doc, first)).toEqual({
			id: first,
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['insulin', 'shower'],
			minutes: 45,
			assignees: [ANNA, BERTIL].sort(),
			status: 'planned',
			window: 'före 09:00',
			rank: expect.any(String),
			note: 'Nyckel i nyckelskåpet'
		});
		expect(columnOf(doc, '2026-11-23', 'morning').map((v) => v.id)).toEqual([first, second]);
	});

	it('edits each field in one transaction and keeps board order', () => {
		const doc = new Y.Doc();
		const id = createVisit(doc, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		assign(doc, id, ANNA);
		addService(doc, id, 'cleaning');
		removeService(doc, id, 'meals');
		setMinutes(doc, id, 60);
		setStatus(doc, id, 'done');
		setWindow(doc, id, 'efter 10');
		setNote(doc, id, 'Ring på');
		moveVisit(doc, id, { date: '2026-11-24', dayPart: 'evening' });
		expect(transactions).toBe(8);
		expect(readVisit(doc, id)).toMatchObject({
			assignees: [ANNA],
			services: ['cleaning'],
			minutes: 60,
			status: 'done',
			window: 'efter 10',
			note: 'Ring på',
			date: '2026-11-24',
			dayPart: 'evening'
		});
		unassign(doc, id, ANNA);
		setWindow(doc, id, undefined);
		expect(readVisit(doc, id)).toMatchObject({ assignees: [] });
		expect(readVisit(doc, id)?.window).toBeUndefined();
		expect(() => setMinutes(doc, 'nope', 5)).toThrow(/no visit/);
	});

	it('merges concurrent edits of two devices into the same board', () => {
		const tablet = new Y.Doc();
		const phone = new Y.Doc();
		const id = createVisit(tablet, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		sync(tablet, phone);
		assign(tablet, id, ANNA);
		assign(phone, id, BERTIL);
		addService(phone, id, 'walk');
		sync(tablet, phone);
		expect(readVisit(tablet, id)).toEqual(readVisit(phone, id));
		expect(readVisit(tablet, id)?.assignees).toEqual([ANNA, BERTIL].sort());
		expect(visitsOf(tablet)).toHaveLength(1);
	});

	it('says why a map does not have the visit layout', () => {
		const doc = new Y.Doc();
		const id = createVisit(doc, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		const map = visitsMap(doc).get(id) as Y.Map<unknown>;
		map.set('minutes', '30');
		expect(parseVisit(id, map)).toEqual({ ok: false, reason: 'invalid-layout' });
		expect(parseVisit('not-a-uuid', map)).toEqual({ ok: false, reason: 'invalid-id' });
		expect(parseVisit(id, 'visit')).toEqual({ ok: false, reason: 'invalid-layout' });
		expect(visitsOf(doc)).toEqual([]);
	});

	it('writes a remembered state back, rebuilding what lost its layout', () => {
		const doc = new Y.Doc();
		const id = createVisit(doc, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30,
			assignees: [ANNA]
		});
		const before = readVisit(doc, id)!;
		const map = visitsMap(doc).get(id) as Y.Map<unknown>;
		doc.transact(() => {
			map.set('assignees', 'everyone');
			map.set('minutes', 90);
		});
		expect(writeVisitState(doc, before).sort()).toEqual(['assignees', 'minutes']);
		expect(readVisit(doc, id)).toEqual(before);
		visitsMap(doc).set(id, 'gone');
		expect(writeVisitState(doc, before)).toContain('clientId');
		expect(readVisit(doc, id)).toEqual(before);
		expect(writeVisitState(doc, before)).toEqual([]);
	});
});

describe('absences, signals and the huddle', () => {
	it('records absences per staff member and day', () => {
		const doc = new Y.Doc();
		markAbsent(doc, ANNA, '2026-11-23', 'day');
		markAbsent(doc, BERTIL, '2026-11-24', ['evening', 'morning']);
		markAbsent(doc, BERTIL, '2026-11-25', ['morning', 'midday', 'afternoon', 'evening']);
		const absences = readAbsences(doc);
		expect(absences).toEqual({
			[ANNA]: { '2026-11-23': 'day' },
			[BERTIL]: { '2026-11-24': ['morning', 'evening'], '2026-11-25': 'day' }
		});
		expect(isAbsent(absences, BERTIL, '2026-11-24', 'morning')).toBe(true);
		expect(isAbsent(absences, BERTIL, '2026-11-24', 'midday')).toBe(false);
		expect(() => markAbsent(doc, ANNA, '2026-11-26', [])).toThrow();
		clearAbsence(doc, ANNA, '2026-11-23');
		expect(readAbsences(doc)[ANNA]).toBeUndefined();
	});

	it('keeps signals and the huddle checklist', () => {
		const doc = new Y.Doc();
		const signal = addSignal(doc, { clientId: CLIENT, text: 'Verkar nedstämd', followUpBy: ANNA });
		setSignalDone(doc, signal, true);
		expect(readSignals(doc)).toEqual([
			{ id: signal, clientId: CLIENT, text: 'Verkar nedstämd', followUpBy: ANNA, done: true }
		]);
		setHuddleNotes(doc, '2026-11-23', 'Bertil täcker för Anna');
		const first = addHuddleItem(doc, '2026-11-23', 'Beställ inkontinensskydd');
		addHuddleItem(doc, '2026-11-23', 'Ring sjuksköterskan');
		setHuddleItemDone(doc, '2026-11-23', first, true);
		const day = readHuddle(doc, '2026-11-23');
		expect(day.notes).toBe('Bertil täcker för Anna');
		expect(day.checklist.map((i) => [i.text, i.done])).toEqual([
			['Beställ inkontinensskydd', true],
			['Ring sjuksköterskan', false]
		]);
		expect(readHuddle(doc, '2026-11-24')).toEqual({ date: '2026-11-24', notes: '', checklist: [] });
	});
});

describe('bounds of the layout', () => {
	it('reads a signal only with its layout and says when its text is too long', () => {
		const doc = new Y.Doc();
		const id = addSignal(doc, { clientId: CLIENT, text: 'Verkar orolig' });
		expect(parseSignal(id, signalsMap(doc).get(id))).toMatchObject({
			ok: true,
			signal: { text: 'Verkar orolig', done: false }
		});
		const long = addSignal(doc, {
			clientId: CLIENT,
			text: 'x'.repeat(BOARD_LIMITS.signalText + 1)
		});
		expect(parseSignal(long, signalsMap(doc).get(long))).toEqual({
			ok: false,
			reason: 'text-too-long'
		});
		(signalsMap(doc).get(id) as Y.Map<unknown>).set('extra', 'y'.repeat(1000));
		expect(parseSignal(id, signalsMap(doc).get(id))).toEqual({
			ok: false,
			reason: 'invalid-layout'
		});
		writeSignalState(doc, { id, clientId: CLIENT, text: 'Åter', followUpBy: ANNA, done: true });
		expect(readSignals(doc).find((s) => s.id === id)).toEqual({
			id,
			clientId: CLIENT,
			text: 'Åter',
			followUpBy: ANNA,
			done: true
		});
		expect(parseSignal(id, signalsMap(doc).get(id)).ok).toBe(true);
	});

	it('does not take formatting, embeds or unknown keys in a visit, and puts them right', () => {
		const doc = new Y.Doc();
		const id = createVisit(doc, {
			clientId: CLIENT,
			date: '2026-11-23',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30,
			note: 'Nyckel'
		});
		const accepted = readVisit(doc, id)!;
		const note = noteOf(doc, id)!;
		// Formatting takes no characters, so it would not count in the note's length.
		note.format(0, 3, { huge: 'z'.repeat(10_000) });
		expect(parseVisit(id, visitsMap(doc).get(id))).toEqual({ ok: false, reason: 'invalid-layout' });
		(visitsMap(doc).get(id) as Y.Map<unknown>).set('junk', 'j'.repeat(1000));
		writeVisitState(doc, accepted);
		expect(parseVisit(id, visitsMap(doc).get(id))).toEqual({ ok: true, visit: accepted });
		setNote(doc, id, 'n'.repeat(VISIT_LIMITS.note + 1));
		expect(parseVisit(id, visitsMap(doc).get(id))).toEqual({ ok: false, reason: 'text-too-long' });
	});

	it('reads a huddle day only for a date of the week, within its bounds', () => {
		const doc = new Y.Doc();
		const week = ['2026-11-23', '2026-11-24'];
		setHuddleNotes(doc, '2026-11-23', 'Ring anhöriga');
		const item = addHuddleItem(doc, '2026-11-23', 'Kolla nycklar');
		const parsed = parseHuddleDay('2026-11-23', huddleMap(doc).get('2026-11-23'), week);
		expect(parsed).toMatchObject({
			ok: true,
			day: { notes: 'Ring anhöriga', checklist: [{ id: item, text: 'Kolla nycklar', done: false }] }
		});
		setHuddleNotes(doc, '2026-12-01', 'utanför veckan');
		expect(parseHuddleDay('2026-12-01', huddleMap(doc).get('2026-12-01'), week).ok).toBe(false);
		addHuddleItem(doc, '2026-11-24', 'k'.repeat(BOARD_LIMITS.checklistText + 1));
		expect(parseHuddleDay('2026-11-24', huddleMap(doc).get('2026-11-24'), week)).toEqual({
			ok: false,
			reason: 'text-too-long'
		});
		if (!parsed.ok) throw new Error('parsed');
		setHuddleNotes(doc, '2026-11-23', 'n'.repeat(BOARD_LIMITS.huddleNotes + 1));
		writeHuddleDay(doc, parsed.day);
		expect(readHuddle(doc, '2026-11-23')).toEqual({
			date: '2026-11-23',
			notes: 'Ring anhöriga',
			checklist: [{ id: item, text: 'Kolla nycklar', done: false }]
		});
	});

	it('creates boards freely only for weeks near today', () => {
		const today = '2026-11-25';
		const weekIn = (weeks: number) => isoWeekKey(addDays(today, 7 * weeks));
		expect(weeksFromToday('2026-W48', today)).toBe(0);
		// 2026 has 53 ISO weeks.
		expect(weeksFromToday('2027-W01', today)).toBe(6);
		expect(weeksFromToday(weekIn(-30), today)).toBe(-30);
		expect(opensFreely(weekIn(NEW_BOARD_WEEKS.future), today)).toBe(true);
		expect(opensFreely(weekIn(NEW_BOARD_WEEKS.future + 1), today)).toBe(false);
		expect(opensFreely(weekIn(-NEW_BOARD_WEEKS.past), today)).toBe(true);
		expect(opensFreely(weekIn(-NEW_BOARD_WEEKS.past - 1), today)).toBe(false);
	});
});
