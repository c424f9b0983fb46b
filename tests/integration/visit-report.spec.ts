/**
 * "Klar" over real sockets: what a worker records on the phone reaches the frame, the board
 * and the audit log. Replays count once, corrections keep their history, time beyond the frame
 * is recorded and flagged, and every device on the board hears the new frame figures.
 */
import { describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { boardRoom, createVisit, readSignals, readVisit, setStatus } from '../../src/lib/board';
import { addDays, isoWeekKey, isoWeekRange, todayIn } from '../../src/lib/domain/periods';
import { auditLog, client, plannedVisit, timeEntry } from '../../src/lib/server/db/schema';
import { frameReport } from '../../src/lib/server/services/frames';
import { clientLog } from '../../src/lib/server/services/client-log';
import { revealAccessCode, visitDetails } from '../../src/lib/server/services/my-day';
import type { FramesEvent, TimeRecordPayload } from '../../src/lib/realtime/protocol';
import {
	MONDAY,
	NEXT_WEEK,
	TUESDAY,
	WEDNESDAY,
	WEEK,
	eventually,
	whenCommitted,
	type Device,
	realtimeSuite
} from '../fixtures/realtime';

const suite = realtimeSuite();
const device = (staffId: string, room?: string) => suite.device(staffId, room);

async function userOf(staffId: string) {
	const { token } = await suite.sessions.create(staffId);
	return (await suite.sessions.validate(token))!.user;
}

let keys = 0;
function report(d: Device, payload: Omit<TimeRecordPayload, 'idempotencyKey'>, key?: string) {
	return d.socket.timeout(5000).emitWithAck('time:record', {
		...payload,
		idempotencyKey: key ?? `report-${++keys}-${payload.visitId}`
	});
}

/** A visit of Greta's (weekly frame 3 h: personal care, shower, insulin, meals). */
async function gretaVisit(d: Device, date: string, minutes: number, services = ['meals']) {
	const id = createVisit(d.doc, {
		clientId: suite.world.clients.greta,
		date,
		dayPart: 'midday',
		services,
		minutes,
		assignees: [suite.world.staff.anna]
	});
	await whenCommitted(suite.db, id);
	return id;
}

async function gretaWeek(week = WEEK) {
	const rows = await frameReport(suite.db, {
		clientIds: [suite.world.clients.greta],
		period: isoWeekRange(week)
	});
	return rows.find((r) => r.period === week)!;
}

describe('recording a visit (time:record)', () => {
	it('counts a report replayed after a lost acknowledgement once', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, MONDAY, 30);
		const before = await gretaWeek();
		const payload = { visitId: id, minutes: 35 };
		const first = await report(phone, payload, `replay-${id}`);
		// The phone never heard the answer: it sends the same report again from a new socket.
		const again = await device(suite.world.staff.anna);
		const second = await report(again, payload, `replay-${id}`);
		expect(first).toMatchObject({ ok: true, replayed: false, correctsId: null });
		expect(second).toMatchObject({ ok: true, replayed: true });
		const after = await gretaWeek();
		// The 30-minute estimate left the plan; 35 recorded minutes came in, once.
		expect(after.usedMinutes - before.usedMinutes).toBe(35);
		expect(after.plannedMinutes - before.plannedMinutes).toBe(-30);
	});

	it('keeps the history when a report is corrected, and counts only the latest', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, TUESDAY, 30);
		const before = await gretaWeek();
		const first = await report(phone, { visitId: id, minutes: 35 });
		const second = await report(phone, { visitId: id, minutes: 45, note: 'Tog längre tid' });
		expect(first.ok && second.ok).toBe(true);
		if (!first.ok || !second.ok) return;
		expect(second.correctsId).toBe(first.entryId);
		const rows = await suite.db
			.select()
			.from(timeEntry)
			.where(eq(timeEntry.visitId, id))
			.orderBy(desc(timeEntry.createdAt));
		expect(rows.map((r) => [r.minutes, r.correctsId])).toEqual([
			[45, first.entryId],
			[35, null]
		]);
		expect((await gretaWeek()).usedMinutes - before.usedMinutes).toBe(45);
		const anna = await userOf(suite.world.staff.anna);
		const details = await visitDetails(suite.db, anna, id, 'test');
		expect(details.ok).toBe(true);
		if (!details.ok) return;
		expect(
			details.details.history.map((h) => [h.minutes, h.note, h.correctsId, h.recordedBy])
		).toEqual([
			[45, 'Tog längre tid', first.entryId, 'Anna Lind'],
			[35, '', null, 'Anna Lind']
		]);
	});

	it('tells every device on the board the new frame figures', async () => {
		const tablet = await device(suite.world.staff.bertil);
		const phone = await device(suite.world.staff.anna);
		const id = createVisit(phone.doc, {
			clientId: suite.world.clients.ingrid,
			date: MONDAY,
			dayPart: 'afternoon',
			services: ['social'],
			minutes: 30,
			assignees: [suite.world.staff.anna]
		});
		await whenCommitted(suite.db, id);
		const heard: FramesEvent[] = [];
		tablet.socket.on('frames', (event) => heard.push(event));
		await report(phone, { visitId: id, minutes: 35 });
		await eventually(
			() =>
				heard.some((e) =>
					e.frames.some((f) => f.clientId === suite.world.clients.ingrid && f.period === '2026-11')
				),
			5000,
			'frames on the tablet'
		);
		const row = heard
			.flatMap((e) => e.frames)
			.filter((f) => f.clientId === suite.world.clients.ingrid)
			.at(-1)!;
		// 14 h recorded earlier this month plus the 35 minutes just recorded.
		expect(row.usedMinutes).toBe(14 * 60 + 35);
		await eventually(() => readVisit(tablet.doc, id)?.status === 'done', 5000, 'done on tablet');
	});

	it('records declined services, a note and a signal the team sees on the board', async () => {
		const tablet = await device(suite.world.staff.bertil);
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, TUESDAY, 45, ['meals', 'shower']);
		const result = await report(phone, {
			visitId: id,
			minutes: 25,
			declinedServices: ['shower'],
			note: 'Ville inte duscha i dag',
			signal: { text: 'Verkar orolig – följ upp' }
		});
		expect(result).toMatchObject({ ok: true });
		const [row] = await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id));
		expect(row).toMatchObject({
			outcome: 'done',
			declinedServices: ['shower'],
			note: 'Ville inte duscha i dag'
		});
		await eventually(
			() =>
				readSignals(tablet.doc).some(
					(s) => s.clientId === suite.world.clients.greta && s.text === 'Verkar orolig – följ upp'
				),
			5000,
			'signal on the tablet'
		);
	});

	it('refuses a declined service the visit did not have, and records nothing', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, MONDAY, 20);
		const result = await report(phone, { visitId: id, minutes: 20, declinedServices: ['shower'] });
		expect(result).toEqual({ ok: false, error: 'invalid-input' });
		expect(await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id))).toEqual([]);
		expect(readVisit(phone.doc, id)?.status).toBe('planned');
	});

	it('records a declined visit with no minutes and frees its estimate', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, WEDNESDAY, 40);
		const before = await gretaWeek();
		expect(await report(phone, { visitId: id, minutes: 30, outcome: 'declined' })).toEqual({
			ok: false,
			error: 'invalid-input'
		});
		const result = await report(phone, { visitId: id, minutes: 0, outcome: 'declined' });
		expect(result).toMatchObject({ ok: true });
		await eventually(() => readVisit(phone.doc, id)?.status === 'declined', 5000, 'declined');
		const after = await gretaWeek();
		expect(after.plannedMinutes - before.plannedMinutes).toBe(-40);
		expect(after.usedMinutes).toBe(before.usedMinutes);
	});

	it('needs a reason for a visit not carried out, and cancels it', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, TUESDAY, 15);
		expect(await report(phone, { visitId: id, minutes: 0, outcome: 'not-done' })).toEqual({
			ok: false,
			error: 'invalid-input'
		});
		const result = await report(phone, {
			visitId: id,
			minutes: 0,
			outcome: 'not-done',
			note: 'Brukaren på sjukhus'
		});
		expect(result).toMatchObject({ ok: true });
		await eventually(() => readVisit(phone.doc, id)?.status === 'cancelled', 5000, 'cancelled');
		const [row] = await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id));
		expect(row).toMatchObject({ outcome: 'not-done', minutes: 0, note: 'Brukaren på sjukhus' });
	});
});

describe('time is recorded afterwards (T2)', () => {
	it('refuses time for a visit dated after today in the team’s time zone, and takes today’s', async () => {
		const today = todayIn();
		const later = addDays(today, 2);
		const ingridVisit = async (d: Device, date: string) => {
			const id = createVisit(d.doc, {
				clientId: suite.world.clients.ingrid,
				date,
				dayPart: 'afternoon',
				services: ['social'],
				minutes: 30,
				assignees: [suite.world.staff.anna]
			});
			await whenCommitted(suite.db, id);
			return id;
		};
		const phone = await device(
			suite.world.staff.anna,
			boardRoom(suite.world.teams.bjorken, isoWeekKey(later))
		);
		const ahead = await ingridVisit(phone, later);
		expect(await report(phone, { visitId: ahead, minutes: 30 })).toEqual({
			ok: false,
			error: 'future-date'
		});
		expect(await suite.db.$count(timeEntry, eq(timeEntry.visitId, ahead))).toBe(0);
		expect(readVisit(phone.doc, ahead)?.status).toBe('planned');

		const now = await device(
			suite.world.staff.anna,
			boardRoom(suite.world.teams.bjorken, isoWeekKey(today))
		);
		const current = await ingridVisit(now, today);
		expect(await report(now, { visitId: current, minutes: 30 })).toMatchObject({ ok: true });
	});
});

describe('a visit marked done on the board (F4)', () => {
	it('keeps its estimate in the frame until time is recorded for it', async () => {
		const tablet = await device(suite.world.staff.anna, suite.world.nextRoom);
		const frames: FramesEvent[] = [];
		tablet.socket.on('frames', (e) => frames.push(e));
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: '2026-11-30',
			dayPart: 'morning',
			services: ['meals'],
			minutes: 60
		});
		await whenCommitted(suite.db, id);
		const before = await gretaWeek(NEXT_WEEK);
		const heard = frames.length;

		setStatus(tablet.doc, id, 'done');
		await eventually(() => frames.length > heard, 5000, 'frame figures');
		const [row] = await suite.db.select().from(plannedVisit).where(eq(plannedVisit.id, id));
		expect(row.status).toBe('done');
		// Nothing was recorded, so nothing is used and the 60 minutes still count as planned:
		// in the summaries the reports read, and in the figures the board shows.
		const marked = await gretaWeek(NEXT_WEEK);
		expect([marked.usedMinutes, marked.plannedMinutes]).toEqual([
			before.usedMinutes,
			before.plannedMinutes
		]);
		const shown = frames
			.at(-1)!
			.frames.find((f) => f.clientId === suite.world.clients.greta && f.period === NEXT_WEEK);
		expect(shown?.plannedMinutes).toBe(before.plannedMinutes);

		// The frame rule agrees: a visit that fits only if those minutes were free is refused.
		const tooMuch = createVisit(tablet.doc, {
			clientId: suite.world.clients.greta,
			date: '2026-12-01',
			dayPart: 'midday',
			services: ['meals'],
			minutes: before.leftMinutes + 30
		});
		await eventually(() => tablet.verdicts.some((v) => v.visitId === tooMuch), 5000, 'verdict');
		expect(tablet.verdicts.find((v) => v.visitId === tooMuch)?.rule).toBe('frame-limit');

		// Reported: the recorded 45 minutes replace the 60-minute estimate.
		expect(await report(tablet, { visitId: id, minutes: 45 })).toMatchObject({ ok: true });
		const reported = await gretaWeek(NEXT_WEEK);
		expect(reported.usedMinutes - before.usedMinutes).toBe(45);
		expect(reported.plannedMinutes - before.plannedMinutes).toBe(-60);
	});
});

describe('the visit page', () => {
	it('reveals the door code only on request, and writes that read to the audit log', async () => {
		await suite.db
			.update(client)
			.set({ accessCode: 'Portkod 4711' })
			.where(eq(client.id, suite.world.clients.greta));
		const anna = await userOf(suite.world.staff.anna);
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, MONDAY, 20);
		const details = await visitDetails(suite.db, anna, id, 'phone');
		expect(details.ok && details.details.client.hasAccessCode).toBe(true);
		expect(JSON.stringify(details)).not.toContain('4711');
		const codeReads = () =>
			suite.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.clientId, suite.world.clients.greta), eq(auditLog.staffId, anna.id)))
				.then((rows) => rows.filter((r) => (r.detail as { what?: string }).what === 'access-code'));
		expect(await codeReads()).toHaveLength(0);
		expect(await revealAccessCode(suite.db, anna, suite.world.clients.greta, 'phone')).toEqual({
			ok: true,
			code: 'Portkod 4711'
		});
		const reads = await codeReads();
		expect(reads.map((r) => [r.action, r.device, r.unitId])).toEqual([
			['read', 'phone', anna.unitId]
		]);
		// The manager's log extract of the client shows who read the code, and from where.
		const maria = await userOf(suite.world.staff.maria);
		const extract = await clientLog(suite.db, maria, suite.world.clients.greta, 'office');
		expect(extract.ok).toBe(true);
		if (!extract.ok) return;
		expect(extract.rows.filter((r) => r.what === 'access-code')).toEqual([
			expect.objectContaining({ action: 'read', staffName: 'Anna Lind', device: 'phone' })
		]);
		expect(await clientLog(suite.db, anna, suite.world.clients.greta, 'phone')).toEqual({
			ok: false,
			status: 403
		});
	});

	it('refuses another team’s visit and code', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, MONDAY, 10);
		const erik = await userOf(suite.world.staff.erik);
		expect(await visitDetails(suite.db, erik, id, 'phone')).toEqual({ ok: false, status: 403 });
		expect(await revealAccessCode(suite.db, erik, suite.world.clients.greta, 'phone')).toEqual({
			ok: false,
			status: 403
		});
	});
});

// Last: it leaves Greta's week over its frame, where new visits would be refused.
describe('time beyond the frame', () => {
	it('records time beyond the frame and flags it, never refuses it', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, WEDNESDAY, 10);
		// F2 compares recorded time with the frame: 30 minutes more than the frame has left.
		const week = await gretaWeek();
		const over = week.frameMinutes - week.usedMinutes + 30;
		const result = await report(phone, { visitId: id, minutes: over });
		expect(result).toMatchObject({ ok: true, overdrawn: true });
		const [row] = await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id));
		expect(row).toMatchObject({ minutes: over, overdrawn: true });
		const after = await gretaWeek();
		expect(after.usedMinutes - after.frameMinutes).toBe(30);
		expect(after.leftMinutes).toBeLessThan(-30);
	});
});
