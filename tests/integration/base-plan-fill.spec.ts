/**
 * Filling a week from the base plan (SPEC.md B8) with real sockets: a new week's board fills
 * itself once when it is first opened, the huddle can fill a week on request, nothing is ever
 * duplicated, a visit that breaks a rule still lands in "Att fördela" with its verdict, past
 * weeks and weeks the team started by hand are left alone, and everyone on the board is told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { boardRoom, createVisit, visitsOf } from '../../src/lib/board';
import { addDays, datesOfIsoWeek, isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import { basePlan, basePlanFill, plannedVisit } from '../../src/lib/server/db/schema';
import { fillWeek } from '../../src/lib/server/realtime/base-plan-fill';
import type { NoticeEvent, WeekFillResult } from '../../src/lib/realtime/protocol';
import { eventually, realtimeSuite, startRealtime, type Device } from '../fixtures/realtime';

const suite = realtimeSuite();

/** A week `n` weeks from today's, so the tests never plan in the past. */
const weekAhead = (n: number) => isoWeekKey(addDays(todayIn(), 7 * n));

async function addPattern(
	clientId: string,
	fields: { weekdays: number[]; services: string[]; minutes: number; window?: string }
) {
	const { db, world } = suite;
	const [row] = await db
		.insert(basePlan)
		.values({
			organisationId: world.organisationId,
			teamId: world.teams.bjorken,
			clientId,
			dayPart: 'morning',
			note: 'Ring på två gånger',
			...fields
		})
		.returning();
	return row;
}

async function fillRow(week: string) {
	const [row] = await suite.db
		.select()
		.from(basePlanFill)
		.where(and(eq(basePlanFill.teamId, suite.world.teams.bjorken), eq(basePlanFill.week, week)));
	return row;
}

function weekFill(device: Device, room: string): Promise<WeekFillResult> {
	return device.socket
		.timeout(10_000)
		.emitWithAck('week:fill', { room, idempotencyKey: crypto.randomUUID() });
}

/** Unloads a board as an idle one would be, so the next open loads it again from storage. */
async function unload(room: string) {
	await suite.realtime.rooms.rooms.get(room)?.unload();
}

afterEach(async () => {
	await suite.db.delete(basePlan);
});

describe('filling a week from the base plan', () => {
	it('[B8] fills a new week once when its board is first opened, unassigned, and tells the board', async () => {
		const { world } = suite;
		const week = weekAhead(1);
		const room = boardRoom(world.teams.bjorken, week);
		await addPattern(world.clients.greta, {
			weekdays: [2, 5],
			services: ['shower'],
			minutes: 45,
			window: 'före 10:00'
		});
		// Someone already follows the new week (joined, board not yet loaded), to see the notice.
		const watcher = await suite.device(world.staff.bertil);
		const notices: NoticeEvent[] = [];
		watcher.socket.on('notice', (n) => notices.push(n));
		expect(await watcher.socket.timeout(5000).emitWithAck('join', { room })).toMatchObject({
			ok: true
		});
		const tablet = await suite.device(world.staff.anna, room);

		await eventually(() => visitsOf(tablet.doc).length === 2, 5000, 'filled visits');
		const [tuesday, friday] = [datesOfIsoWeek(week)[1], datesOfIsoWeek(week)[4]];
		expect(visitsOf(tablet.doc).map((v) => [v.date, v.dayPart, v.services, v.minutes])).toEqual([
			[tuesday, 'morning', ['shower'], 45],
			[friday, 'morning', ['shower'], 45]
		]);
		for (const v of visitsOf(tablet.doc)) {
			expect(v).toMatchObject({
				clientId: world.clients.greta,
				assignees: [],
				status: 'planned',
				window: 'före 10:00',
				note: 'Ring på två gånger'
			});
		}
		await eventually(() => notices.some((n) => n.room === room), 5000, 'notice');
		expect(notices.find((n) => n.room === room)).toMatchObject({
			room,
			kind: 'base-plan-filled',
			message: 'Veckan är fylld från grundplanen: 2 besök, varav 2 i Att fördela.'
		});
		const ids = visitsOf(tablet.doc).map((v) => v.id);
		// Committed like any change: the projection has them.
		const projected = await suite.db.select().from(plannedVisit).where(eq(plannedVisit.room, room));
		expect(projected.map((p) => p.id).sort()).toEqual([...ids].sort());
		expect((await fillRow(week))?.result).toEqual({ created: ids, unassigned: [] });

		// Opened again after it was unloaded: the same two visits, nothing added.
		tablet.close();
		watcher.close();
		await unload(room);
		const again = await suite.device(world.staff.bertil, room);
		await new Promise((r) => setTimeout(r, 200));
		expect(visitsOf(again.doc).map((v) => v.id)).toEqual(ids);

		// The huddle asks again: the first fill's result, nothing changed.
		expect(await weekFill(again, room)).toEqual({
			ok: true,
			created: 2,
			unassigned: [],
			replayed: true
		});
		await new Promise((r) => setTimeout(r, 100));
		expect(visitsOf(again.doc).map((v) => v.id)).toEqual(ids);
	});

	it('[B8] fills on request; a visit beyond the frame lands unassigned with its verdict listed', async () => {
		const { world } = suite;
		const week = weekAhead(2);
		const room = boardRoom(world.teams.bjorken, week);
		// Opened before there was a base plan: nothing to fill, and the week is not marked filled.
		const tablet = await suite.device(world.staff.anna, room);
		await new Promise((r) => setTimeout(r, 100));
		expect(visitsOf(tablet.doc)).toEqual([]);
		expect(await fillRow(week)).toBeUndefined();

		// Greta's frame is 3 h a week: 7 × 30 min is one visit too many.
		await addPattern(world.clients.greta, {
			weekdays: [1, 2, 3, 4, 5, 6, 7],
			services: ['meals'],
			minutes: 30
		});
		const first = await weekFill(tablet, room);
		const sunday = datesOfIsoWeek(week)[6];
		expect(first).toMatchObject({ ok: true, created: 7, replayed: false });
		if (!first.ok) return;
		expect(first.unassigned).toEqual([
			expect.objectContaining({ clientId: world.clients.greta, date: sunday, rule: 'frame-limit' })
		]);
		expect(first.unassigned[0].message).toMatch(/^Ramtiden vecka \d+: 3 h\./);
		await eventually(() => visitsOf(tablet.doc).length === 7, 5000, 'seven visits');
		const late = visitsOf(tablet.doc).find((v) => v.id === first.unassigned[0].visitId);
		expect(late).toMatchObject({ date: sunday, assignees: [], status: 'planned' });

		// A second fill from another device: the same result and the same seven visits.
		const phone = await suite.device(world.staff.bertil, room);
		const second = await weekFill(phone, room);
		expect(second).toEqual({ ...first, replayed: true });
		await new Promise((r) => setTimeout(r, 100));
		expect(visitsOf(tablet.doc)).toHaveLength(7);
	});

	it('[B8] leaves a week the team started by hand alone when it is opened', async () => {
		const { world } = suite;
		const week = weekAhead(3);
		const room = boardRoom(world.teams.bjorken, week);
		const tablet = await suite.device(world.staff.anna, room);
		createVisit(tablet.doc, {
			clientId: world.clients.ingrid,
			date: datesOfIsoWeek(week)[0],
			dayPart: 'midday',
			services: ['meals'],
			minutes: 30
		});
		await eventually(() => suite.realtime.rooms.rooms.get(room)!.authority.accepted.size === 1);
		tablet.close();
		await unload(room);
		await addPattern(world.clients.greta, { weekdays: [3], services: ['meals'], minutes: 30 });

		const again = await suite.device(world.staff.anna, room);
		await new Promise((r) => setTimeout(r, 200));
		expect(visitsOf(again.doc)).toHaveLength(1);
		expect(await fillRow(week)).toBeUndefined();
		// The huddle can still fill it on purpose.
		expect(await weekFill(again, room)).toMatchObject({ ok: true, created: 1, replayed: false });
	});

	it('[B8] does not fill a week in the past', async () => {
		const { world } = suite;
		const week = weekAhead(-1);
		const room = boardRoom(world.teams.bjorken, week);
		await addPattern(world.clients.greta, {
			weekdays: [1, 2, 3],
			services: ['meals'],
			minutes: 30
		});
		const tablet = await suite.device(world.staff.anna, room);
		expect(
			await fillWeek({ db: suite.db, rooms: suite.realtime.rooms }, room, null, { auto: true })
		).toEqual({ status: 'skipped', reason: 'past' });
		expect(await weekFill(tablet, room)).toEqual({ ok: false, error: 'invalid-input' });
		await new Promise((r) => setTimeout(r, 100));
		expect(visitsOf(tablet.doc)).toEqual([]);
		expect(await fillRow(week)).toBeUndefined();
	});

	it('[B8] fills a week once even when two processes try at the same moment', async () => {
		const { world, db, sessions } = suite;
		const week = weekAhead(4);
		const room = boardRoom(world.teams.bjorken, week);
		await addPattern(world.clients.ingrid, { weekdays: [1, 4], services: ['social'], minutes: 20 });
		const other = await startRealtime(db, sessions);
		try {
			const outcomes = await Promise.all([
				fillWeek({ db, rooms: suite.realtime.rooms }, room, null, { auto: false }),
				fillWeek({ db, rooms: other.realtime.rooms }, room, null, { auto: false })
			]);
			expect(outcomes.map((o) => o.status).sort()).toEqual(['already', 'filled']);
			expect(outcomes.map((o) => ('created' in o ? o.created : -1))).toEqual([2, 2]);
			const rows = await db.select().from(plannedVisit).where(eq(plannedVisit.room, room));
			expect(rows).toHaveLength(2);
		} finally {
			await other.realtime.close();
			await new Promise((resolve) => other.server.close(resolve));
		}
	});

	it('[B8] refuses another team’s worker', async () => {
		const { world } = suite;
		const room = boardRoom(world.teams.bjorken, weekAhead(1));
		const erik = await suite.device(world.staff.erik, world.ekenRoom);
		expect(await weekFill(erik, room)).toEqual({ ok: false, error: 'forbidden' });
	});
});
