import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/fixtures/test-db';
import { isoWeekRange, monthRange } from '../../domain/periods';
import type { FramePeriod, VisitStatus } from '../../domain/types';
import type { Db } from '../db/client';
import * as schema from '../db/schema';
import { clientFrameUsage, frameReport, type FrameReportRow } from './frames';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

/** A fresh organisation with a unit, two teams and one worker, so tests never share rows. */
async function world() {
	const [org] = await db.insert(schema.organisation).values({ name: 'Provkommun' }).returning();
	const [unit] = await db
		.insert(schema.unit)
		.values({ organisationId: org.id, name: 'Hemtjänst Prov' })
		.returning();
	const [team, otherTeam] = await db
		.insert(schema.team)
		.values([
			{ organisationId: org.id, unitId: unit.id, name: 'Lönnen' },
			{ organisationId: org.id, unitId: unit.id, name: 'Aspen' }
		])
		.returning();
	const [worker] = await db
		.insert(schema.staff)
		.values({
			organisationId: org.id,
			username: `prov-${randomUUID()}`,
			name: 'Provperson',
			role: 'worker'
		})
		.returning();

	const w = {
		organisationId: org.id,
		unitId: unit.id,
		teamId: team.id,
		otherTeamId: otherTeam.id,
		async client(name: string, options: { teamId?: string; active?: boolean } = {}) {
			const [row] = await db
				.insert(schema.client)
				.values({
					organisationId: org.id,
					teamId: options.teamId ?? team.id,
					name,
					active: options.active ?? true
				})
				.returning();
			return row.id;
		},
		async decision(
			clientId: string,
			d: {
				from: string;
				to?: string | null;
				frame: number;
				period: FramePeriod;
				createdAt?: Date;
				id?: string;
			}
		) {
			await db.insert(schema.decision).values({
				organisationId: org.id,
				clientId,
				validFrom: d.from,
				validTo: d.to ?? null,
				frameMinutes: d.frame,
				framePeriod: d.period,
				...(d.createdAt ? { createdAt: d.createdAt } : {}),
				...(d.id ? { id: d.id } : {})
			});
		},
		/** Records time; `createdAt` orders corrections of the same entry. */
		async time(
			clientId: string,
			date: string,
			minutes: number,
			options: { corrects?: string; createdAt?: Date; visit?: string } = {}
		) {
			const [row] = await db
				.insert(schema.timeEntry)
				.values({
					organisationId: org.id,
					clientId,
					staffId: worker.id,
					date,
					minutes,
					correctsId: options.corrects ?? null,
					visitId: options.visit ?? null,
					createdAt: options.createdAt ?? new Date()
				})
				.returning();
			return row.id;
		},
		async visit(clientId: string, date: string, minutes: number, status: VisitStatus = 'planned') {
			const id = randomUUID();
			await db.insert(schema.plannedVisit).values({
				id,
				organisationId: org.id,
				teamId: team.id,
				clientId,
				room: `board:${team.id}:test`,
				date,
				dayPart: 'morning',
				minutes,
				status
			});
			return id;
		}
	};
	return w;
}

const pick = (rows: FrameReportRow[]) =>
	rows.map(({ name, period, frameMinutes, usedMinutes, plannedMinutes, leftMinutes }) => ({
		name,
		period,
		frameMinutes,
		usedMinutes,
		plannedMinutes,
		leftMinutes
	}));

// Weeks used below: 2026-W48 is 23–29 Nov, 2026-W49 is 30 Nov–6 Dec (spans the month end).
const W48 = isoWeekRange('2026-W48');
const W49 = isoWeekRange('2026-W49');
const NOV = monthRange('2026-11');

describe('frameReport', () => {
	it('[DL3] a weekly frame: time recorded in the week is used, planned visits are planned, the rest is left', async () => {
		const w = await world();
		const astrid = await w.client('Astrid');
		await w.decision(astrid, { from: '2026-01-01', frame: 600, period: 'week' });
		await w.time(astrid, '2026-11-23', 60);
		await w.time(astrid, '2026-11-29', 45);
		await w.time(astrid, '2026-11-22', 30); // the week before
		await w.time(astrid, '2026-11-30', 30); // the week after
		await w.visit(astrid, '2026-11-25', 90);
		await w.visit(astrid, '2026-11-27', 40);

		const rows = await frameReport(db, { teamId: w.teamId, period: W48 });

		expect(pick(rows)).toEqual([
			{
				name: 'Astrid',
				period: '2026-W48',
				frameMinutes: 600,
				usedMinutes: 105,
				plannedMinutes: 130,
				leftMinutes: 365
			}
		]);
		expect(rows[0].clientId).toBe(astrid);
	});

	it('[DL3] a weekly frame asked for a month gives one row per ISO week touching it, whole weeks across the month end', async () => {
		const w = await world();
		const bo = await w.client('Bo');
		await w.decision(bo, { from: '2026-01-01', frame: 300, period: 'week' });
		await w.time(bo, '2026-10-30', 20); // W44, in October: counts for W44
		await w.time(bo, '2026-11-02', 25); // W45
		await w.time(bo, '2026-11-30', 30); // W49, in November
		await w.time(bo, '2026-12-03', 40); // W49, in December: still W49's frame
		await w.visit(bo, '2026-12-05', 50); // W49, planned

		const rows = await frameReport(db, { teamId: w.teamId, period: NOV });

		expect(rows.map((r) => r.period)).toEqual([
			'2026-W44',
			'2026-W45',
			'2026-W46',
			'2026-W47',
			'2026-W48',
			'2026-W49'
		]);
		const byPeriod = Object.fromEntries(rows.map((r) => [r.period, r]));
		expect(byPeriod['2026-W44'].usedMinutes).toBe(20);
		expect(byPeriod['2026-W45'].usedMinutes).toBe(25);
		expect(byPeriod['2026-W46'].usedMinutes).toBe(0);
		expect(byPeriod['2026-W49']).toMatchObject({
			frameMinutes: 300,
			usedMinutes: 70,
			plannedMinutes: 50,
			leftMinutes: 180
		});
	});

	it('[DL3] a monthly frame asked for a week across the month end gives both months, each counted over the whole month', async () => {
		const w = await world();
		const cilla = await w.client('Cilla');
		await w.decision(cilla, { from: '2026-01-01', frame: 240, period: 'month' });
		await w.time(cilla, '2026-11-03', 60); // November, outside the week
		// November, inside the week: a visit done and reported, its time is in the entries.
		const done = await w.visit(cilla, '2026-11-30', 40, 'done');
		await w.time(cilla, '2026-11-30', 30, { visit: done });
		await w.time(cilla, '2026-12-02', 45); // December, inside the week
		await w.visit(cilla, '2026-12-20', 60); // December, outside the week: still planned in it

		const rows = await frameReport(db, { teamId: w.teamId, period: W49 });

		expect(pick(rows)).toEqual([
			{
				name: 'Cilla',
				period: '2026-11',
				frameMinutes: 240,
				usedMinutes: 90,
				plannedMinutes: 0,
				leftMinutes: 150
			},
			{
				name: 'Cilla',
				period: '2026-12',
				frameMinutes: 240,
				usedMinutes: 45,
				plannedMinutes: 60,
				leftMinutes: 135
			}
		]);
	});

	it('[T1] a corrected entry counts once, as corrected; a correction to 0 withdraws it', async () => {
		const w = await world();
		const dan = await w.client('Dan');
		await w.decision(dan, { from: '2026-01-01', frame: 300, period: 'week' });
		const first = await w.time(dan, '2026-11-24', 60);
		await w.time(dan, '2026-11-24', 45, { corrects: first });
		const second = await w.time(dan, '2026-11-25', 30);
		const fixed = await w.time(dan, '2026-11-25', 40, { corrects: second });
		await w.time(dan, '2026-11-25', 35, { corrects: fixed }); // a correction corrected again
		const mistake = await w.time(dan, '2026-11-26', 50);
		await w.time(dan, '2026-11-26', 0, { corrects: mistake });

		const [row] = await frameReport(db, { teamId: w.teamId, period: W48 });

		expect(row.usedMinutes).toBe(45 + 35);
		expect(row.leftMinutes).toBe(300 - 80);
	});

	it('[T1] when two corrections name the same entry, only the later one counts', async () => {
		const w = await world();
		const eva = await w.client('Eva');
		await w.decision(eva, { from: '2026-01-01', frame: 300, period: 'week' });
		const original = await w.time(eva, '2026-11-24', 60, {
			createdAt: new Date('2026-11-24T08:00:00Z')
		});
		await w.time(eva, '2026-11-24', 50, {
			corrects: original,
			createdAt: new Date('2026-11-24T09:00:00Z')
		});
		await w.time(eva, '2026-11-24', 40, {
			corrects: original,
			createdAt: new Date('2026-11-24T10:00:00Z')
		});

		const [row] = await frameReport(db, { teamId: w.teamId, period: W48 });

		expect(row.usedMinutes).toBe(40);
	});

	it('[F3] [F4] visits planned, or done and not yet reported, are planned; the rest take nothing', async () => {
		const w = await world();
		const frans = await w.client('Frans');
		await w.decision(frans, { from: '2026-01-01', frame: 500, period: 'week' });
		await w.visit(frans, '2026-11-23', 30, 'planned');
		const reported = await w.visit(frans, '2026-11-24', 45, 'done');
		await w.time(frans, '2026-11-24', 40, { visit: reported });
		await w.visit(frans, '2026-11-24', 20, 'done'); // marked done, nobody reported it yet
		await w.visit(frans, '2026-11-25', 60, 'cancelled');
		await w.visit(frans, '2026-11-26', 90, 'declined');
		await w.visit(frans, '2026-11-30', 25, 'planned'); // next week

		for (const usage of ['summary', 'entries'] as const) {
			const [row] = await frameReport(db, { teamId: w.teamId, period: W48, usage });
			expect(row).toMatchObject({ usedMinutes: 40, plannedMinutes: 50, leftMinutes: 410 });
		}
	});

	it('[F2] recorded time beyond the frame shows as a negative balance', async () => {
		const w = await world();
		const gun = await w.client('Gun');
		await w.decision(gun, { from: '2026-01-01', frame: 60, period: 'week' });
		await w.time(gun, '2026-11-24', 50);
		await w.time(gun, '2026-11-25', 25);
		await w.visit(gun, '2026-11-27', 15);

		const [row] = await frameReport(db, { teamId: w.teamId, period: W48 });

		expect(row).toMatchObject({ usedMinutes: 75, plannedMinutes: 15, leftMinutes: -30 });
	});

	it('reports only active clients of the team who have a decision overlapping the period', async () => {
		const w = await world();
		const here = await w.client('Här');
		const inactive = await w.client('Avslutad', { active: false });
		const elsewhere = await w.client('Annanstans', { teamId: w.otherTeamId });
		const ended = await w.client('Upphört');
		const future = await w.client('Framtida');
		await w.client('Utan beslut');
		for (const id of [here, inactive, elsewhere]) {
			await w.decision(id, { from: '2026-01-01', frame: 120, period: 'week' });
		}
		await w.decision(ended, { from: '2026-01-01', to: '2026-11-22', frame: 120, period: 'week' });
		await w.decision(future, { from: '2026-11-30', frame: 120, period: 'week' });

		const rows = await frameReport(db, { teamId: w.teamId, period: W48 });

		expect(rows.map((r) => r.name)).toEqual(['Här']);
	});

	it('a decision ending or starting inside a period still gives that whole period', async () => {
		const w = await world();
		const hugo = await w.client('Hugo');
		await w.decision(hugo, { from: '2026-11-10', to: '2026-11-25', frame: 180, period: 'week' });
		await w.time(hugo, '2026-11-09', 20); // before the decision, but in the same week W46

		const rows = await frameReport(db, { teamId: w.teamId, period: NOV });

		expect(rows.map((r) => [r.period, r.usedMinutes])).toEqual([
			['2026-W46', 20],
			['2026-W47', 0],
			['2026-W48', 0]
		]);
	});

	it('when a new decision replaces an old one inside a period, the newer frame counts there', async () => {
		const w = await world();
		const ines = await w.client('Ines');
		await w.decision(ines, { from: '2026-06-01', to: '2026-11-15', frame: 240, period: 'month' });
		await w.decision(ines, { from: '2026-11-16', frame: 480, period: 'month' });

		const rows = await frameReport(db, { teamId: w.teamId, period: NOV });

		expect(rows.map((r) => [r.period, r.frameMinutes])).toEqual([['2026-11', 480]]);
	});

	it('of two decisions from the same day, the one recorded later gives the frame; at the same instant the greater id', async () => {
		const w = await world();
		const kalle = await w.client('Kalle');
		const lisa = await w.client('Lisa');
		const at = (ms: number) => new Date(Date.parse('2026-10-20T10:00:00Z') + ms);
		// The later one is written first, so the order of the rows decides nothing.
		await w.decision(kalle, { from: '2026-11-01', frame: 300, period: 'month', createdAt: at(2) });
		await w.decision(kalle, { from: '2026-11-01', frame: 200, period: 'month', createdAt: at(1) });
		const ids = ['ffffffff-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'];
		for (const [i, id] of ids.entries()) {
			await w.decision(lisa, {
				from: '2026-11-01',
				frame: [400, 100][i],
				period: 'month',
				createdAt: at(0),
				id
			});
		}

		const rows = await frameReport(db, { teamId: w.teamId, period: NOV });

		expect(rows.map((r) => [r.name, r.frameMinutes])).toEqual([
			['Kalle', 300],
			['Lisa', 400]
		]);
	});

	it('a decision changing kind inside the period gives the weeks of the weekly one and the month of the monthly one', async () => {
		const w = await world();
		const jenny = await w.client('Jenny');
		await w.decision(jenny, { from: '2026-01-01', to: '2026-11-15', frame: 120, period: 'week' });
		await w.decision(jenny, { from: '2026-11-16', frame: 600, period: 'month' });
		await w.time(jenny, '2026-11-04', 30); // W45
		await w.time(jenny, '2026-11-20', 45); // W47, under the monthly decision
		await w.visit(jenny, '2026-11-12', 20); // W46
		await w.visit(jenny, '2026-11-26', 25); // W48

		for (const usage of ['summary', 'entries'] as const) {
			const rows = await frameReport(db, { teamId: w.teamId, period: NOV, usage });

			// Whole periods: the month counts all of November, the weeks their own days.
			expect(rows.map((r) => [r.period, r.frameMinutes, r.usedMinutes, r.plannedMinutes])).toEqual([
				['2026-W44', 120, 0, 0],
				['2026-11', 600, 75, 45],
				['2026-W45', 120, 30, 0],
				['2026-W46', 120, 0, 20]
			]);
		}
	});

	it('reports a whole unit, or chosen clients, and refuses an unscoped query', async () => {
		const w = await world();
		const a = await w.client('Anna-Lisa');
		const b = await w.client('Berit', { teamId: w.otherTeamId });
		await w.decision(a, { from: '2026-01-01', frame: 120, period: 'week' });
		await w.decision(b, { from: '2026-01-01', frame: 240, period: 'month' });

		const unit = await frameReport(db, { unitId: w.unitId, period: W48 });
		const chosen = await frameReport(db, { clientIds: [b], period: W48 });

		expect(unit.map((r) => [r.name, r.period])).toEqual([
			['Anna-Lisa', '2026-W48'],
			['Berit', '2026-11']
		]);
		expect(chosen.map((r) => r.clientId)).toEqual([b]);
		expect(await frameReport(db, { clientIds: [], period: W48 })).toEqual([]);
		await expect(frameReport(db, { period: W48 })).rejects.toThrow(/team, a unit or clients/);
	});
	it('lists clients in Swedish alphabetical order, periods in calendar order', async () => {
		const w = await world();
		for (const name of ['Åke', 'Zelma', 'Örjan', 'Olle', 'Ärla']) {
			const id = await w.client(name);
			await w.decision(id, { from: '2026-01-01', frame: 60, period: 'week' });
		}

		const rows = await frameReport(db, { teamId: w.teamId, period: NOV });

		expect([...new Set(rows.map((r) => r.name))]).toEqual([
			'Olle',
			'Zelma',
			'Åke',
			'Ärla',
			'Örjan'
		]);
		expect(rows.slice(0, 6).map((r) => r.period)).toEqual([
			'2026-W44',
			'2026-W45',
			'2026-W46',
			'2026-W47',
			'2026-W48',
			'2026-W49'
		]);
	});
});

describe('clientFrameUsage', () => {
	it('[DL3] gives recorded time and the other planned visits of the period, leaving out the visit being checked', async () => {
		const w = await world();
		const jon = await w.client('Jon');
		await w.decision(jon, { from: '2026-01-01', frame: 240, period: 'month' });
		const entry = await w.time(jon, '2026-11-02', 60);
		await w.time(jon, '2026-11-02', 50, { corrects: entry });
		await w.time(jon, '2026-10-31', 30); // another month
		const checked = await w.visit(jon, '2026-11-20', 45);
		await w.visit(jon, '2026-11-27', 30);
		await w.visit(jon, '2026-11-28', 30, 'cancelled');

		expect(await clientFrameUsage(db, jon, NOV, { excludeVisitId: checked })).toEqual({
			usedMinutes: 50,
			otherPlannedMinutes: 30
		});
		expect(await clientFrameUsage(db, jon, NOV)).toEqual({
			usedMinutes: 50,
			otherPlannedMinutes: 75
		});
		expect(await clientFrameUsage(db, jon, W48)).toEqual({
			usedMinutes: 0,
			otherPlannedMinutes: 30
		});
	});
});
