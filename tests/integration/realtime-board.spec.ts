/**
 * The board over real sockets: stock y-websocket providers and socket.io clients against a
 * running server on PGlite (or PostgreSQL with TEST_DATABASE_URL). Each rule is refused with
 * the right verdict to the author only and undone on every replica; valid changes are kept.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import {
	addService,
	assign,
	createVisit,
	moveVisit,
	readAbsences,
	readVisit,
	setMinutes,
	visitsMap,
	visitsOf
} from '../../src/lib/board';
import { absence, auditLog, plannedVisit, timeEntry } from '../../src/lib/server/db/schema';
import type { FramesEvent } from '../../src/lib/realtime/protocol';
import {
	MONDAY,
	THURSDAY,
	TUESDAY,
	WEDNESDAY,
	eventually,
	type Device,
	whenCommitted,
	realtimeSuite
} from '../fixtures/realtime';

const suite = realtimeSuite();
const device = (staffId: string, room?: string) => suite.device(staffId, room);

/** Records every value a visit field takes on a replica, to prove a refused state never shows. */
function watch(doc: Y.Doc, visitId: string, read: (d: Y.Doc) => unknown): unknown[] {
	const seen: unknown[] = [];
	doc.on('afterTransaction', () => {
		const visit = readVisit(doc, visitId);
		if (visit) seen.push(read(doc));
	});
	return seen;
}

const visitOf = (d: Device, id: string) => readVisit(d.doc, id);

const committed = (id: string) => whenCommitted(suite.db, id);

describe('the realtime board', () => {
	it('shows a valid change on the other device at once and keeps it in the projection', async () => {
		const tablet = await device(suite.world.staff.anna);
		const phone = await device(suite.world.staff.bertil);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['insulin', 'meals'],
			minutes: 30,
			assignees: [suite.world.staff.anna],
			window: 'före 09:00'
		});
		await eventually(() => visitOf(phone, id)?.minutes === 30, 5000, 'visit on the phone');
		setMinutes(phone.doc, id, 45);
		await eventually(() => visitOf(tablet, id)?.minutes === 45, 5000, 'edit on the tablet');
		// The projection row is committed just after the change is relayed.
		await suite.realtime.writer.flush();
		const [row] = await suite.db.select().from(plannedVisit).where(eq(plannedVisit.id, id));
		expect(row).toMatchObject({
			room: suite.world.room,
			clientId: suite.world.clients.greta,
			minutes: 45,
			status: 'planned',
			assignees: [suite.world.staff.anna]
		});
		const audit = await suite.db
			.select()
			.from(auditLog)
			.where(eq(auditLog.clientId, suite.world.clients.greta));
		expect(audit.some((a) => a.action === 'change' && a.staffId === suite.world.staff.anna)).toBe(
			true
		);
		expect(tablet.verdicts).toEqual([]);
	});

	it('[C1] refuses giving insulin to Bertil, tells only him why, and no other screen shows it', async () => {
		const tablet = await device(suite.world.staff.anna);
		const phone = await device(suite.world.staff.bertil);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: TUESDAY,
			dayPart: 'morning',
			services: ['insulin'],
			minutes: 20,
			assignees: [suite.world.staff.anna]
		});
		await eventually(() => visitOf(phone, id) !== undefined, 5000, 'visit on the phone');
		const seenOnTablet = watch(tablet.doc, id, (d) => readVisit(d, id)?.assignees.join(','));
		assign(phone.doc, id, suite.world.staff.bertil);
		await eventually(() => phone.verdicts.length > 0, 5000, 'verdict');
		const verdict = phone.verdicts[0];
		expect(verdict).toMatchObject({
			room: suite.world.room,
			visitId: id,
			rule: 'competence',
			undone: ['assignees']
		});
		expect(verdict.message).toBe(
			'Bertil Ek saknar delegering insulin den 24 november. Cecilia Holm eller David Berg kan ta besöket. Ändringen är ångrad.'
		);
		await eventually(() => visitOf(phone, id)?.assignees.length === 1, 5000, 'undone on phone');
		expect(visitOf(phone, id)?.assignees).toEqual([suite.world.staff.anna]);
		expect(visitOf(tablet, id)?.assignees).toEqual([suite.world.staff.anna]);
		expect(seenOnTablet.every((a) => a === suite.world.staff.anna)).toBe(true);
		expect(tablet.verdicts.filter((v) => v.visitId === id)).toEqual([]);
	});

	it('[DL3] refuses planning beyond the monthly frame with the numbers and what is left', async () => {
		const tablet = await device(suite.world.staff.anna);
		const phone = await device(suite.world.staff.bertil);
		// Ingrid: 20 h a month, 14 h used; plan 5 h 30 min, then try one more hour.
		const ids = [120, 120, 90].map((minutes, i) =>
			createVisit(tablet.doc, {
				clientId: suite.world.clients.ingrid,
				date: [MONDAY, TUESDAY, WEDNESDAY][i],
				dayPart: 'midday',
				services: ['meals', 'social'],
				minutes
			})
		);
		await eventually(() => ids.every((id) => visitOf(phone, id)), 5000, 'visits on phone');
		setMinutes(phone.doc, ids[2], 150);
		await eventually(() => phone.verdicts.some((v) => v.visitId === ids[2]), 5000, 'verdict');
		const verdict = phone.verdicts.find((v) => v.visitId === ids[2])!;
		expect(verdict.rule).toBe('frame-limit');
		expect(verdict.message).toMatch(
			/^Ramtiden (denna månad|i november 2026): 20 h\. Använt 14 h, planerat 4 h\. Ändringen lägger till 1 h\. Det finns 2 h kvar att planera\. Ändringen är ångrad\.$/
		);
		expect(verdict.details).toMatchObject({
			usedMinutes: 840,
			plannedMinutes: 240,
			leftMinutes: 120
		});
		await eventually(() => visitOf(phone, ids[2])?.minutes === 90, 5000, 'minutes restored');
		expect(visitOf(tablet, ids[2])?.minutes).toBe(90);
	});

	it('[DL1] [DL2] refuses a date after the decision ends and a service it does not grant', async () => {
		const phone = await device(suite.world.staff.bertil);
		const id = createVisit(phone.doc, {
			clientId: suite.world.clients.harald,
			date: WEDNESDAY,
			dayPart: 'afternoon',
			services: ['cleaning'],
			minutes: 60
		});
		moveVisit(phone.doc, id, { date: THURSDAY });
		await eventually(() => phone.verdicts.some((v) => v.rule === 'decision-validity'), 5000, 'DL1');
		expect(phone.verdicts.find((v) => v.rule === 'decision-validity')?.message).toBe(
			'Harald Viklund har inget giltigt biståndsbeslut den 26 november. Beslutet gällde till och med den 25 november. Ändringen är ångrad.'
		);
		await eventually(() => visitOf(phone, id)?.date === WEDNESDAY, 5000, 'date restored');
		addService(phone.doc, id, 'shower');
		await eventually(() => phone.verdicts.some((v) => v.rule === 'decision-scope'), 5000, 'DL2');
		await eventually(() => visitOf(phone, id)?.services.join() === 'cleaning', 5000, 'scope');
	});

	it('answers in English to an English-speaking user', async () => {
		const { staff } = await import('../../src/lib/server/db/schema');
		await suite.db
			.update(staff)
			.set({ locale: 'en' })
			.where(eq(staff.id, suite.world.staff.cecilia));
		const phone = await device(suite.world.staff.cecilia);
		createVisit(phone.doc, {
			clientId: suite.world.clients.greta,
			date: THURSDAY,
			dayPart: 'evening',
			services: ['insulin'],
			minutes: 15,
			assignees: [suite.world.staff.cecilia]
		});
		await eventually(() => phone.verdicts.length > 0, 5000, 'verdict');
		expect(phone.verdicts[0].message).toBe(
			'Cecilia Holm lacks insulin delegation on 26 November. Anna Lind can take the visit. The visit is marked as cancelled.'
		);
	});

	it('sends new frame figures to everyone on the board when a visit changes', async () => {
		const tablet = await device(suite.world.staff.anna);
		const frames: FramesEvent[] = [];
		tablet.socket.on('frames', (f) => frames.push(f));
		createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: '2026-11-28',
			dayPart: 'midday',
			services: ['meals'],
			minutes: 15
		});
		await eventually(() => frames.some((f) => f.frames[0]?.clientId === suite.world.clients.greta));
		const row = frames.find((f) => f.frames[0]?.clientId === suite.world.clients.greta)!.frames[0];
		expect(row).toMatchObject({ period: '2026-W48', frameMinutes: 180 });
		expect(row.plannedMinutes + row.leftMinutes).toBe(180);
	});

	it('records time once per idempotency key and marks the visit done', async () => {
		const tablet = await device(suite.world.staff.anna);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.ingrid,
			date: MONDAY,
			dayPart: 'evening',
			services: ['meals'],
			minutes: 30
		});
		await committed(id);
		const payload = { visitId: id, minutes: 35, idempotencyKey: `rec-${id}` };
		const first = await tablet.socket.timeout(5000).emitWithAck('time:record', payload);
		const again = await tablet.socket.timeout(5000).emitWithAck('time:record', payload);
		expect(first).toMatchObject({ ok: true, replayed: false, overdrawn: false });
		expect(again).toMatchObject({ ok: true, replayed: true });
		const entries = await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id));
		expect(entries).toHaveLength(1);
		expect(entries[0].minutes).toBe(35);
		await eventually(() => visitOf(tablet, id)?.status === 'done', 5000, 'done');
	});

	it('hands an absent person’s visits back to the team and shows the absence', async () => {
		const tablet = await device(suite.world.staff.anna);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: '2026-11-27',
			dayPart: 'afternoon',
			services: ['meals'],
			minutes: 20,
			assignees: [suite.world.staff.bertil]
		});
		await committed(id);
		const result = await tablet.socket.timeout(5000).emitWithAck('absence:set', {
			staffId: suite.world.staff.bertil,
			date: '2026-11-27',
			dayParts: ['afternoon', 'evening'],
			idempotencyKey: `abs-${id}`
		});
		expect(result).toMatchObject({ ok: true, unassigned: [id] });
		await eventually(() => visitOf(tablet, id)?.assignees.length === 0, 5000, 'unassigned');
		expect(readAbsences(tablet.doc)[suite.world.staff.bertil]).toEqual({
			'2026-11-27': ['afternoon', 'evening']
		});
		const rows = await suite.db
			.select()
			.from(absence)
			.where(eq(absence.staffId, suite.world.staff.bertil));
		expect(rows.map((r) => [r.date, r.dayParts])).toEqual([
			['2026-11-27', ['afternoon', 'evening']]
		]);
		// Assigning him again that afternoon is refused; he is away.
		assign(tablet.doc, id, suite.world.staff.bertil);
		await eventually(() => tablet.verdicts.some((v) => v.visitId === id), 5000, 'verdict');
		expect(tablet.verdicts.find((v) => v.visitId === id)?.message).toBe(
			'Bertil Ek är frånvarande den 27 november. Bertil Ek är borttagen från besöket.'
		);
	});

	it('names a colleague from another team who cannot be on the visit, never "?"', async () => {
		const tablet = await device(suite.world.staff.anna);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.harald,
			date: TUESDAY,
			dayPart: 'midday',
			services: ['walk'],
			minutes: 15,
			assignees: [suite.world.staff.erik]
		});
		await eventually(() => tablet.verdicts.some((v) => v.visitId === id), 5000, 'verdict');
		expect(tablet.verdicts.find((v) => v.visitId === id)?.message).toBe(
			'Erik Sjö arbetar inte i teamet den 24 november. Erik Sjö är borttagen från besöket.'
		);
		await eventually(() => visitOf(tablet, id)?.assignees.length === 0, 5000, 'taken off');
	});

	it('moves a visit to next week through the command, judged on the target board', async () => {
		const tablet = await device(suite.world.staff.anna);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: '2026-11-29',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 25
		});
		await committed(id);
		const next = await device(suite.world.staff.anna, suite.world.nextRoom);
		const result = await tablet.socket.timeout(5000).emitWithAck('visit:move-week', {
			visitId: id,
			fromRoom: suite.world.room,
			toDate: '2026-12-01',
			idempotencyKey: `move-${id}`
		});
		expect(result).toEqual({ ok: true, room: suite.world.nextRoom, replayed: false });
		await eventually(() => visitOf(next, id)?.date === '2026-12-01', 5000, 'on next board');
		await eventually(() => !visitsMap(tablet.doc).has(id), 5000, 'gone from this board');
		const [row] = await suite.db.select().from(plannedVisit).where(eq(plannedVisit.id, id));
		expect(row.room).toBe(suite.world.nextRoom);
		// Harald's decision has ended by next week: the move is refused and nothing changes.
		const harald = createVisit(tablet.doc, {
			clientId: suite.world.clients.harald,
			date: MONDAY,
			dayPart: 'morning',
			services: ['walk'],
			minutes: 30
		});
		await committed(harald);
		const refused = await tablet.socket.timeout(5000).emitWithAck('visit:move-week', {
			visitId: harald,
			fromRoom: suite.world.room,
			toDate: '2026-12-02',
			idempotencyKey: `move-${harald}`
		});
		expect(refused).toMatchObject({
			ok: false,
			error: 'refused',
			verdict: { rule: 'decision-validity' }
		});
		expect(visitOf(tablet, harald)?.date).toBe(MONDAY);
	});

	it('ends two devices changing the same visit at once in the same valid state', async () => {
		const tablet = await device(suite.world.staff.anna);
		const phone = await device(suite.world.staff.bertil);
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: WEDNESDAY,
			dayPart: 'midday',
			services: ['meals'],
			minutes: 30
		});
		await eventually(() => visitOf(phone, id) !== undefined);
		setMinutes(tablet.doc, id, 35);
		setMinutes(phone.doc, id, 40);
		assign(phone.doc, id, suite.world.staff.bertil);
		assign(tablet.doc, id, suite.world.staff.anna);
		await eventually(
			() => JSON.stringify(visitsOf(tablet.doc)) === JSON.stringify(visitsOf(phone.doc)),
			5000,
			'convergence'
		);
		const server = readVisit(suite.realtime.rooms.rooms.get(suite.world.room)!.doc, id);
		expect(visitOf(tablet, id)).toEqual(server);
		expect(server?.assignees.sort()).toEqual(
			[suite.world.staff.anna, suite.world.staff.bertil].sort()
		);
	});
});
