/**
 * Replays and reordering (DESIGN.md §6): a network that delivers twice, late or out of order
 * changes nothing that counts.
 *
 * - Commands: `time:record`, `absence:set` and `visit:move-week` replayed many times, one after
 *   the other and all at once from several sockets, count once; the same idempotency key with
 *   other values is a `conflict` and changes nothing, while the device outbox resending its
 *   own report is a replay.
 * - Board updates: a recorded session of board edits, delivered to a fresh server doc through
 *   the authority in shuffled orders and with duplicates (an update whose history has not
 *   arrived yet is held back and sent again later, as a reconnecting client does), ends in a
 *   byte-identical doc; the server's stream of updates and compensations does the same for
 *   every replica.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { and, eq, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import {
	addSignal,
	assign,
	createVisit,
	deleteVisit,
	moveVisit,
	noteOf,
	readSignals,
	readVisit,
	setMinutes,
	setStatus,
	unassign,
	visitsMap,
	visitsOf
} from '../../src/lib/board';
import type { DayPart } from '../../src/lib/domain/types';
import { isoWeekRange } from '../../src/lib/domain/periods';
import { BoardAuthority, type Verdict } from '../../src/lib/server/realtime/authority';
import { createJudge } from '../../src/lib/server/realtime/judge';
import { estimateOf, inPeriod } from '../../src/lib/server/realtime/context';
import { checkIncomingUpdate } from '../../src/lib/server/realtime/update-check';
import {
	absence,
	auditLog,
	client,
	commandReceipt,
	plannedVisit,
	timeEntry
} from '../../src/lib/server/db/schema';
import { frameReport } from '../../src/lib/server/services/frames';
import {
	MemoryOutboxStorage,
	Outbox,
	type OutboxAck,
	type OutboxSender
} from '../../src/lib/ui/offline/outbox';
import type { TimeRecordPayload } from '../../src/lib/realtime/protocol';
import {
	FRIDAY,
	MEM,
	MONDAY,
	NEXT_WEEK,
	THURSDAY,
	TUESDAY,
	WEDNESDAY,
	WEEK,
	eventually,
	memoryContext,
	realtimeSuite,
	whenCommitted,
	type Device
} from '../fixtures/realtime';

const REPLAYS = 6;
/** Sessions and schedules per property: a quick form inside `npm test`, more with FAULTS=full. */
const RUNS = process.env.FAULTS === 'full' ? 2000 : 80;
const PROPERTY_TIMEOUT = process.env.FAULTS === 'full' ? 600_000 : 60_000;

const suite = realtimeSuite();
const device = (staffId: string, room?: string) => suite.device(staffId, room);

async function frameOf(clientId: string, week = WEEK) {
	const rows = await frameReport(suite.db, { clientIds: [clientId], period: isoWeekRange(week) });
	return rows.find((r) => r.period === week)!;
}

/** A Greta visit (weekly frame 3 h) with meals only, which anyone may take. */
async function gretaVisit(d: Device, date: string, minutes: number, dayPart: DayPart = 'midday') {
	const id = createVisit(d.doc, {
		clientId: suite.world.clients.greta,
		date,
		dayPart,
		services: ['meals'],
		minutes
	});
	await whenCommitted(suite.db, id);
	return id;
}

type Ack = { ok: boolean; replayed?: boolean; error?: string };

/** One answer was the real run; every other one says it was a replay. */
function expectCountedOnce(answers: Ack[]) {
	expect(answers.every((a) => a.ok)).toBe(true);
	expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
}

describe('Replays and reordering: commands', () => {
	it('counts a time:record replayed in turn and all at once exactly once', async () => {
		const phone = await device(suite.world.staff.anna);
		const other = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, MONDAY, 30, 'morning');
		const before = await frameOf(suite.world.clients.greta);
		const payload = { visitId: id, minutes: 40, idempotencyKey: `replay-time-${id}` };
		const answers: Ack[] = [];
		for (let i = 0; i < REPLAYS; i++) {
			answers.push(await phone.socket.timeout(5000).emitWithAck('time:record', payload));
		}
		answers.push(
			...(await Promise.all(
				Array.from({ length: REPLAYS }, (_, i) =>
					(i % 2 ? other : phone).socket.timeout(5000).emitWithAck('time:record', payload)
				)
			))
		);
		expectCountedOnce(answers);
		const entries = await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id));
		expect(entries.map((e) => e.minutes)).toEqual([40]);
		const after = await frameOf(suite.world.clients.greta);
		expect(after.usedMinutes - before.usedMinutes).toBe(40);
		expect(after.plannedMinutes - before.plannedMinutes).toBe(-30);
	});

	it('counts concurrent first sends of one time:record once', async () => {
		const phone = await device(suite.world.staff.anna);
		const other = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, TUESDAY, 20, 'morning');
		const before = await frameOf(suite.world.clients.greta);
		const payload = { visitId: id, minutes: 25, idempotencyKey: `replay-burst-${id}` };
		const answers = await Promise.all(
			Array.from({ length: REPLAYS * 2 }, (_, i) =>
				(i % 2 ? other : phone).socket.timeout(5000).emitWithAck('time:record', payload)
			)
		);
		expectCountedOnce(answers);
		expect(await suite.db.$count(timeEntry, eq(timeEntry.visitId, id))).toBe(1);
		expect((await frameOf(suite.world.clients.greta)).usedMinutes - before.usedMinutes).toBe(25);
	});

	it('counts an absence:set replayed in turn and all at once exactly once', async () => {
		const tablet = await device(suite.world.staff.anna);
		const payload = {
			staffId: suite.world.staff.cecilia,
			date: THURSDAY,
			dayParts: ['morning' as const],
			idempotencyKey: `replay-absence-${THURSDAY}`
		};
		const audits = () =>
			suite.db.$count(
				auditLog,
				and(
					sql`${auditLog.detail}->>'what' = 'absence'`,
					sql`${auditLog.detail}->>'staffId' = ${suite.world.staff.cecilia}`
				)
			);
		const auditsBefore = await audits();
		const answers: Ack[] = [];
		for (let i = 0; i < REPLAYS; i++) {
			answers.push(await tablet.socket.timeout(5000).emitWithAck('absence:set', payload));
		}
		answers.push(
			...(await Promise.all(
				Array.from({ length: REPLAYS }, () =>
					tablet.socket.timeout(5000).emitWithAck('absence:set', payload)
				)
			))
		);
		expectCountedOnce(answers);
		const rows = await suite.db
			.select()
			.from(absence)
			.where(eq(absence.staffId, suite.world.staff.cecilia));
		expect(rows.map((r) => [r.date, r.dayParts])).toEqual([[THURSDAY, ['morning']]]);
		expect((await audits()) - auditsBefore).toBe(1);
	});

	it('counts a visit:move-week replayed in turn and all at once exactly once', async () => {
		const tablet = await device(suite.world.staff.anna);
		const next = await device(suite.world.staff.anna, suite.world.nextRoom);
		const id = await gretaVisit(tablet, FRIDAY, 15, 'evening');
		const before = await frameOf(suite.world.clients.greta, NEXT_WEEK);
		const payload = {
			visitId: id,
			fromRoom: suite.world.room,
			toDate: '2026-12-01',
			idempotencyKey: `replay-move-${id}`
		};
		const answers = await Promise.all(
			Array.from({ length: REPLAYS }, () =>
				tablet.socket.timeout(5000).emitWithAck('visit:move-week', payload)
			)
		);
		for (let i = 0; i < REPLAYS; i++) {
			answers.push(await tablet.socket.timeout(5000).emitWithAck('visit:move-week', payload));
		}
		expectCountedOnce(answers);
		await eventually(() => readVisit(next.doc, id)?.date === '2026-12-01', 5000, 'moved');
		await eventually(() => !visitsMap(tablet.doc).has(id), 5000, 'gone from the old week');
		const rows = await suite.db.select().from(plannedVisit).where(eq(plannedVisit.id, id));
		expect(rows.map((r) => r.room)).toEqual([suite.world.nextRoom]);
		expect(visitsOf(next.doc).filter((v) => v.id === id)).toHaveLength(1);
		const after = await frameOf(suite.world.clients.greta, NEXT_WEEK);
		expect(after.plannedMinutes - before.plannedMinutes).toBe(15);
	});
});

describe('Replays and reordering: an idempotency key reused with other values', () => {
	it('answers conflict to a time:record with other minutes and keeps the first report', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, WEDNESDAY, 30, 'evening');
		const key = `conflict-time-${id}`;
		const first = await phone.socket
			.timeout(5000)
			.emitWithAck('time:record', { visitId: id, minutes: 30, idempotencyKey: key });
		expect(first).toMatchObject({ ok: true, replayed: false });
		const before = await frameOf(suite.world.clients.greta);
		const changed = await phone.socket
			.timeout(5000)
			.emitWithAck('time:record', { visitId: id, minutes: 90, idempotencyKey: key });
		expect(changed).toEqual({ ok: false, error: 'conflict' });
		const withNote = await phone.socket
			.timeout(5000)
			.emitWithAck('time:record', { visitId: id, minutes: 30, note: 'Mer', idempotencyKey: key });
		expect(withNote).toEqual({ ok: false, error: 'conflict' });
		const entries = await suite.db.select().from(timeEntry).where(eq(timeEntry.visitId, id));
		expect(entries.map((e) => e.minutes)).toEqual([30]);
		expect(await frameOf(suite.world.clients.greta)).toEqual(before);
		// The same report again, with defaults spelled out, is a replay.
		const again = await phone.socket.timeout(5000).emitWithAck('time:record', {
			visitId: id,
			minutes: 30,
			withClient: true,
			outcome: 'done',
			declinedServices: [],
			note: '',
			idempotencyKey: key
		});
		expect(again).toMatchObject({ ok: true, replayed: true, entryId: entries[0].id });
	});

	it('compares with the stored time entry when the receipt is missing', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, THURSDAY, 20, 'evening');
		const key = `conflict-entry-${id}`;
		const first = await phone.socket
			.timeout(5000)
			.emitWithAck('time:record', { visitId: id, minutes: 20, idempotencyKey: key });
		expect(first.ok).toBe(true);
		// As after a crash between the entry and its receipt: only the entry holds the key.
		await suite.db.delete(commandReceipt).where(eq(commandReceipt.key, `time:record:${key}`));
		const changed = await phone.socket
			.timeout(5000)
			.emitWithAck('time:record', { visitId: id, minutes: 45, idempotencyKey: key });
		expect(changed).toEqual({ ok: false, error: 'conflict' });
		const same = await phone.socket
			.timeout(5000)
			.emitWithAck('time:record', { visitId: id, minutes: 20, idempotencyKey: key });
		expect(same).toMatchObject({ ok: true, replayed: true });
		expect(await suite.db.$count(timeEntry, eq(timeEntry.visitId, id))).toBe(1);
	});

	it('finishes the board change of a report whose entry was stored just before a crash', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, FRIDAY, 25, 'evening');
		const key = `half-report-${id}`;
		const before = await frameOf(suite.world.clients.greta);
		// As when the database went away between the entry's commit and the board change: the
		// entry holds the key, there is no receipt, and the visit is still planned on the board.
		const [greta] = await suite.db
			.select()
			.from(client)
			.where(eq(client.id, suite.world.clients.greta));
		await suite.db.insert(timeEntry).values({
			organisationId: greta.organisationId,
			clientId: greta.id,
			visitId: id,
			staffId: suite.world.staff.anna,
			date: FRIDAY,
			minutes: 35,
			idempotencyKey: key,
			recordedBy: suite.world.staff.anna
		});
		expect(readVisit(phone.doc, id)?.status).toBe('planned');
		const payload = {
			visitId: id,
			minutes: 35,
			idempotencyKey: key,
			signal: { text: 'Ont i foten' }
		};
		const answers: Ack[] = [];
		for (let i = 0; i < 3; i++) {
			answers.push(await phone.socket.timeout(5000).emitWithAck('time:record', payload));
		}
		expect(answers.every((a) => a.ok && a.replayed)).toBe(true);
		await eventually(() => readVisit(phone.doc, id)?.status === 'done', 5000, 'done on the board');
		await eventually(
			() => readSignals(phone.doc).some((s) => s.text === 'Ont i foten'),
			5000,
			'the signal on the board'
		);
		expect(readSignals(phone.doc).filter((s) => s.text === 'Ont i foten')).toHaveLength(1);
		expect(await suite.db.$count(timeEntry, eq(timeEntry.visitId, id))).toBe(1);
		// The estimate stopped counting; the recorded time counts once.
		const after = await frameOf(suite.world.clients.greta);
		expect(after.plannedMinutes - before.plannedMinutes).toBe(-25);
		expect(after.usedMinutes - before.usedMinutes).toBe(35);
	});

	it('leaves a later change of the visit alone when an old report is sent again', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, FRIDAY, 15, 'morning');
		const first = { visitId: id, minutes: 15, idempotencyKey: `old-report-${id}` };
		expect(await phone.socket.timeout(5000).emitWithAck('time:record', first)).toMatchObject({
			ok: true
		});
		const correction = {
			visitId: id,
			minutes: 0,
			outcome: 'not-done' as const,
			note: 'Sjukhus',
			idempotencyKey: `old-report-fix-${id}`
		};
		expect(await phone.socket.timeout(5000).emitWithAck('time:record', correction)).toMatchObject({
			ok: true,
			replayed: false
		});
		await eventually(() => readVisit(phone.doc, id)?.status === 'cancelled', 5000, 'cancelled');
		await suite.db
			.delete(commandReceipt)
			.where(eq(commandReceipt.key, `time:record:old-report-${id}`));
		expect(await phone.socket.timeout(5000).emitWithAck('time:record', first)).toMatchObject({
			ok: true,
			replayed: true
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(readVisit(phone.doc, id)?.status).toBe('cancelled');
	});

	it('answers conflict to an absence:set and a visit:move-week with other values', async () => {
		const tablet = await device(suite.world.staff.anna);
		const absenceKey = `conflict-absence-${FRIDAY}`;
		const set = (dayParts: 'day' | DayPart[]) =>
			tablet.socket.timeout(5000).emitWithAck('absence:set', {
				staffId: suite.world.staff.cecilia,
				date: FRIDAY,
				dayParts,
				idempotencyKey: absenceKey
			});
		expect(await set(['evening', 'afternoon'])).toMatchObject({ ok: true, replayed: false });
		expect(await set('day')).toEqual({ ok: false, error: 'conflict' });
		// Day parts are a set: the same parts in another order are the same absence.
		expect(await set(['afternoon', 'evening'])).toMatchObject({ ok: true, replayed: true });
		const rows = await suite.db
			.select()
			.from(absence)
			.where(and(eq(absence.staffId, suite.world.staff.cecilia), eq(absence.date, FRIDAY)));
		expect(rows.map((r) => [...(r.dayParts ?? [])].sort())).toEqual([['afternoon', 'evening']]);

		const id = await gretaVisit(tablet, '2026-11-28', 10, 'morning');
		const move = (toDate: string) =>
			tablet.socket.timeout(5000).emitWithAck('visit:move-week', {
				visitId: id,
				fromRoom: suite.world.room,
				toDate,
				idempotencyKey: `conflict-move-${id}`
			});
		expect(await move('2026-12-02')).toMatchObject({ ok: true, replayed: false });
		expect(await move('2026-12-03')).toEqual({ ok: false, error: 'conflict' });
		const [row] = await suite.db.select().from(plannedVisit).where(eq(plannedVisit.id, id));
		expect(row.date).toBe('2026-12-02');
	});

	it('treats the device outbox resending its own report as a replay', async () => {
		const phone = await device(suite.world.staff.anna);
		const id = await gretaVisit(phone, FRIDAY, 25, 'morning');
		const outbox = new Outbox(new MemoryOutboxStorage());
		const item = await outbox.enqueue<Omit<TimeRecordPayload, 'idempotencyKey'>>(
			'time:record',
			{ visitId: id, minutes: 30, declinedServices: [], note: 'Gick bra' },
			{ visitId: id, minutes: 30 }
		);
		const acks: OutboxAck[] = [];
		let lose = true;
		const send: OutboxSender = async (it) => {
			const ack = (await phone.socket
				.timeout(5000)
				.emitWithAck('time:record', it.payload as TimeRecordPayload)) as OutboxAck;
			acks.push(ack);
			// The first acknowledgement never reaches the phone.
			if (lose) {
				lose = false;
				throw new Error('timed out');
			}
			return ack;
		};
		await outbox.flush(send);
		expect(outbox.items()[0].state).toBe('waiting');
		await outbox.flush(send);
		expect(outbox.items()[0].state).toBe('sent');
		expect(acks).toMatchObject([
			{ ok: true, replayed: false },
			{ ok: true, replayed: true }
		]);
		expect(await suite.db.$count(timeEntry, eq(timeEntry.visitId, id))).toBe(1);
		expect(item.key).toBe((item.payload as TimeRecordPayload).idempotencyKey);
	});
});

// --- Board updates -----------------------------------------------------------------------

const NET = 'net';

/** A board edit a device makes; every one is valid in any order (no frame is ever near full). */
type Op =
	| { kind: 'create'; device: number; client: number; day: number; part: number; minutes: number }
	| { kind: 'minutes'; device: number; visit: number; minutes: number }
	| { kind: 'move'; device: number; visit: number; day: number; part: number }
	| { kind: 'assign'; device: number; visit: number; person: number; on: boolean }
	| { kind: 'note'; device: number; visit: number; text: string }
	| { kind: 'status'; device: number; visit: number; status: number }
	| { kind: 'delete'; device: number; visit: number }
	| { kind: 'signal'; device: number; client: number; text: string }
	| { kind: 'sync'; device: number };

const DEVICES = 3;
const PARTS: DayPart[] = ['morning', 'midday', 'afternoon', 'evening'];
const CLIENTS = [MEM.greta, MEM.ingrid];
const PEOPLE = [MEM.anna, MEM.bertil];
const STATUSES = ['planned', 'cancelled', 'declined'] as const;

const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('create' as const),
			device: fc.nat(DEVICES - 1),
			client: fc.nat(CLIENTS.length - 1),
			day: fc.nat(4),
			part: fc.nat(3),
			minutes: fc.integer({ min: 1, max: 3 }).map((n) => n * 5)
		})
	},
	fc.record({
		kind: fc.constant('minutes' as const),
		device: fc.nat(DEVICES - 1),
		visit: fc.nat(),
		minutes: fc.integer({ min: 1, max: 3 }).map((n) => n * 5)
	}),
	fc.record({
		kind: fc.constant('move' as const),
		device: fc.nat(DEVICES - 1),
		visit: fc.nat(),
		day: fc.nat(4),
		part: fc.nat(3)
	}),
	fc.record({
		kind: fc.constant('assign' as const),
		device: fc.nat(DEVICES - 1),
		visit: fc.nat(),
		person: fc.nat(PEOPLE.length - 1),
		on: fc.boolean()
	}),
	fc.record({
		kind: fc.constant('note' as const),
		device: fc.nat(DEVICES - 1),
		visit: fc.nat(),
		text: fc.string({ maxLength: 12 })
	}),
	fc.record({
		kind: fc.constant('status' as const),
		device: fc.nat(DEVICES - 1),
		visit: fc.nat(),
		status: fc.nat(STATUSES.length - 1)
	}),
	fc.record({ kind: fc.constant('delete' as const), device: fc.nat(DEVICES - 1), visit: fc.nat() }),
	fc.record({
		kind: fc.constant('signal' as const),
		device: fc.nat(DEVICES - 1),
		client: fc.nat(CLIENTS.length - 1),
		text: fc.string({ minLength: 1, maxLength: 12 })
	}),
	{
		weight: 3,
		arbitrary: fc.record({ kind: fc.constant('sync' as const), device: fc.nat(DEVICES - 1) })
	}
);

/** A server doc with its authority, judged in the in-memory world of the realtime fixtures. */
class Server {
	readonly doc = new Y.Doc();
	readonly authority = new BoardAuthority(this.doc);
	readonly ctx = memoryContext();
	readonly verdicts: Verdict[] = [];
	/** What the server relayed, in order: client updates and its own compensations. */
	readonly stream: Uint8Array[] = [];

	judge() {
		return createJudge(this.ctx, WEEK, (clientId, period, excludeId) => {
			let sum = 0;
			for (const v of this.authority.accepted.values()) {
				if (v.clientId === clientId && v.id !== excludeId && inPeriod(v.date, period)) {
					sum += estimateOf(this.ctx, v);
				}
			}
			return sum;
		});
	}

	/** Applies an update as the room does; false when its history has not arrived yet. */
	receive(update: Uint8Array, from: string): boolean {
		const check = checkIncomingUpdate(this.doc, update);
		if (!check.ok) {
			expect(check.reason).toBe('missing-history');
			return false;
		}
		const applied = this.authority.apply(update, from);
		const settled = this.authority.settle(applied, this.judge());
		this.verdicts.push(...settled.verdicts);
		if (applied.update) this.stream.push(applied.update);
		if (settled.compensation) this.stream.push(settled.compensation);
		return true;
	}
}

/**
 * Plays a session: devices edit their own replicas and, on `sync`, send what they did to the
 * server and take in what the others did. Returns the server and every update it received.
 */
function playSession(ops: Op[]): { server: Server; received: Uint8Array[] } {
	const server = new Server();
	const received: Uint8Array[] = [];
	const docs = Array.from({ length: DEVICES }, () => new Y.Doc());
	const pending = docs.map(() => [] as Uint8Array[]);
	docs.forEach((doc, i) =>
		doc.on('update', (u: Uint8Array, origin: unknown) => {
			if (origin !== NET) pending[i].push(u);
		})
	);
	const sync = (i: number) => {
		for (const update of pending[i].splice(0)) {
			expect(server.receive(update, `device-${i}`)).toBe(true);
			received.push(update);
		}
		Y.applyUpdate(docs[i], Y.encodeStateAsUpdate(server.doc, Y.encodeStateVector(docs[i])), NET);
	};
	const pick = (doc: Y.Doc, n: number) => {
		const ids = [...visitsMap(doc).keys()].sort();
		return ids.length > 0 ? ids[n % ids.length] : undefined;
	};
	let created = 0;
	for (const o of ops) {
		const doc = docs[o.device];
		if (o.kind === 'sync') {
			sync(o.device);
			continue;
		}
		if (o.kind === 'create') {
			// At most 12 visits of at most 15 min: within every frame (Greta's 3 h a week is the
			// smallest), whatever the order.
			if (created >= 12) continue;
			created++;
			createVisit(doc, {
				clientId: CLIENTS[o.client],
				date: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'][o.day],
				dayPart: PARTS[o.part],
				services: ['meals'],
				minutes: o.minutes
			});
			continue;
		}
		if (o.kind === 'signal') {
			addSignal(doc, { clientId: CLIENTS[o.client], text: o.text });
			continue;
		}
		const id = pick(doc, o.visit);
		if (!id) continue;
		switch (o.kind) {
			case 'minutes':
				setMinutes(doc, id, o.minutes);
				break;
			case 'move':
				moveVisit(doc, id, {
					date: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'][o.day],
					dayPart: PARTS[o.part]
				});
				break;
			case 'assign':
				if (o.on) assign(doc, id, PEOPLE[o.person]);
				else unassign(doc, id, PEOPLE[o.person]);
				break;
			case 'note':
				noteOf(doc, id)?.insert(0, o.text);
				break;
			case 'status':
				setStatus(doc, id, STATUSES[o.status]);
				break;
			case 'delete':
				deleteVisit(doc, id);
				break;
		}
	}
	for (let i = 0; i < DEVICES; i++) sync(i);
	return { server, received };
}

/**
 * The doc's state as a fresh load encodes it. Yjs merges runs of deleted content per
 * transaction, so two live docs holding the same updates, taken in other groupings, may split
 * a deleted run differently (about 1 schedule in 6,000 here); loading the state once merges
 * every run that can be merged, and the bytes are the same.
 */
function canonicalState(doc: Y.Doc): Uint8Array {
	const fresh = new Y.Doc();
	Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc));
	return Y.encodeStateAsUpdate(fresh);
}

/** The same doc: same history (state vector), same bytes once loaded, same board. */
function expectSameDoc(actual: Y.Doc, expected: Y.Doc) {
	expect(Y.encodeStateVector(actual)).toEqual(Y.encodeStateVector(expected));
	expect(canonicalState(actual)).toEqual(canonicalState(expected));
	expect(visitsOf(actual)).toEqual(visitsOf(expected));
	expect(readSignals(actual)).toEqual(readSignals(expected));
}

/** Each index once in the given order, plus duplicates slotted in anywhere. */
const schedule = (n: number) =>
	fc
		.tuple(
			fc.shuffledSubarray(
				Array.from({ length: n }, (_, i) => i),
				{ minLength: n, maxLength: n }
			),
			fc.array(fc.tuple(fc.nat(Math.max(0, n - 1)), fc.nat()), { maxLength: n })
		)
		.map(([order, dupes]) => {
			const result = [...order];
			for (const [index, at] of dupes) result.splice(at % (result.length + 1), 0, index);
			return result;
		});

/**
 * Delivers updates to a fresh server in the given order. One whose history has not arrived is
 * held back and offered again after the next one that applies, as a client resends on resync.
 */
function deliverThroughAuthority(updates: Uint8Array[], order: number[]): Server {
	const server = new Server();
	let waiting: number[] = [];
	for (const index of order) {
		if (!server.receive(updates[index], `device-${index}`)) {
			waiting.push(index);
			continue;
		}
		for (let progress = true; progress;) {
			progress = false;
			const still: number[] = [];
			for (const w of waiting) {
				if (server.receive(updates[w], `device-${w}`)) progress = true;
				else still.push(w);
			}
			waiting = still;
		}
	}
	expect(waiting).toEqual([]);
	return server;
}

const sessionAndSchedule = fc
	.array(op, { minLength: 5, maxLength: 40 })
	.map((ops) => ({ ops, session: playSession(ops) }))
	.chain(({ ops, session }) =>
		fc.record({
			ops: fc.constant(ops),
			session: fc.constant(session),
			order: schedule(session.received.length),
			replicaOrder: schedule(session.server.stream.length)
		})
	);

describe('Replays and reordering: board updates', () => {
	it(
		'gives a byte-identical doc through the authority in any order and with duplicates',
		() => {
			fc.assert(
				fc.property(sessionAndSchedule, ({ session, order }) => {
					// Every edit of the session is valid, so nothing was undone the first time either.
					expect(session.server.verdicts).toEqual([]);
					const replayed = deliverThroughAuthority(session.received, order);
					expect(replayed.verdicts).toEqual([]);
					expectSameDoc(replayed.doc, session.server.doc);
					expect([...replayed.authority.accepted.keys()].sort()).toEqual(
						[...session.server.authority.accepted.keys()].sort()
					);
				}),
				{ numRuns: RUNS }
			);
		},
		PROPERTY_TIMEOUT
	);

	it(
		'gives every replica the server’s doc from its stream in any order and with duplicates',
		() => {
			fc.assert(
				fc.property(sessionAndSchedule, ({ session, replicaOrder }) => {
					const replica = new Y.Doc();
					for (const index of replicaOrder) Y.applyUpdate(replica, session.server.stream[index]);
					expect(replica.store.pendingStructs).toBeNull();
					expectSameDoc(replica, session.server.doc);
				}),
				{ numRuns: RUNS }
			);
		},
		PROPERTY_TIMEOUT
	);

	it('keeps a refused change undone on a replica that gets the stream twice, out of order', () => {
		// Bertil lacks the insulin delegation: the server undoes his assignment.
		const server = new Server();
		const tablet = new Y.Doc();
		const updates: Uint8Array[] = [];
		tablet.on('update', (u: Uint8Array) => updates.push(u));
		const id = createVisit(tablet, {
			clientId: MEM.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['insulin'],
			minutes: 15,
			assignees: [MEM.anna]
		});
		assign(tablet, id, MEM.bertil);
		for (const u of updates) expect(server.receive(u, 'tablet')).toBe(true);
		expect(server.verdicts.map((v) => v.violation.rule)).toEqual(['competence']);
		const stream = server.stream;
		const replica = new Y.Doc();
		for (const u of [...stream].reverse()) Y.applyUpdate(replica, u);
		for (const u of stream) Y.applyUpdate(replica, u);
		expect(readVisit(replica, id)?.assignees).toEqual([MEM.anna]);
		expectSameDoc(replica, server.doc);
	});

	it('keeps the board and the socket as they were when a device sends each update twice', async () => {
		const tablet = await device(suite.world.staff.anna);
		const watcher = await device(suite.world.staff.bertil);
		// Every update the tablet sends goes out a second time on the same socket.
		tablet.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === tablet.provider) return;
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeUpdate(encoder, update);
			const message = encoding.toUint8Array(encoder);
			setTimeout(() => tablet.provider.ws?.send(message), 5);
		});
		const id = createVisit(tablet.doc, {
			clientId: suite.world.clients.ingrid,
			date: TUESDAY,
			dayPart: 'afternoon',
			services: ['social'],
			minutes: 20,
			note: 'Promenad om vädret tillåter'
		});
		setMinutes(tablet.doc, id, 25);
		noteOf(tablet.doc, id)!.insert(0, 'Kort ');
		await whenCommitted(suite.db, id);
		const room = suite.realtime.rooms.rooms.get(suite.world.room)!;
		await eventually(
			() => readVisit(watcher.doc, id)?.note === 'Kort Promenad om vädret tillåter',
			5000,
			'relayed'
		);
		await new Promise((r) => setTimeout(r, 100));
		expect(tablet.provider.wsconnected).toBe(true);
		expect(tablet.verdicts).toEqual([]);
		expect(readVisit(room.doc, id)).toEqual(readVisit(tablet.doc, id));
		expectSameDoc(watcher.doc, room.doc);
		expectSameDoc(tablet.doc, room.doc);
	});
});
