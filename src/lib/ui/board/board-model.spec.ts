import { describe, expect, it } from 'vitest';
import type { BoardVisit } from '$lib/board';
import {
	assigneesAfterMove,
	frameRowFor,
	huddleHints,
	loadOf,
	visitsInColumn,
	UNEVEN_LOAD_MINUTES
} from './board-model';
import type { ServiceInfo, StaffInfo } from './types';

const visit = (over: Partial<BoardVisit> = {}): BoardVisit => ({
	id: over.id ?? crypto.randomUUID(),
	clientId: 'c1',
	date: '2026-11-23',
	dayPart: 'morning',
	services: ['personal-care'],
	minutes: 30,
	assignees: [],
	status: 'planned',
	rank: 'a',
	note: '',
	...over
});

const person = (id: string, name: string): StaffInfo => ({
	id,
	name,
	username: id,
	lent: false,
	competences: []
});

const services: Record<string, ServiceInfo> = {
	'personal-care': { code: 'personal-care', name: 'Omvårdnad', requires: [], twoStaff: false },
	lift: { code: 'lift', name: 'Lyft', requires: [], twoStaff: true }
};

describe('columns', () => {
	it('shows a shared visit in each assignee column and an untaken one in Att fördela', () => {
		const shared = visit({ assignees: ['anna', 'bertil'] });
		const free = visit({});
		const evening = visit({ dayPart: 'evening', assignees: ['anna'] });
		const all = [shared, free, evening];
		expect(visitsInColumn(all, 'anna', 'morning')).toEqual([shared]);
		expect(visitsInColumn(all, 'bertil', 'morning')).toEqual([shared]);
		expect(visitsInColumn(all, null, 'morning')).toEqual([free]);
		expect(visitsInColumn(all, 'anna', 'evening')).toEqual([evening]);
	});

	it('counts only planned visits in a person’s load', () => {
		const all = [
			visit({ assignees: ['anna'], minutes: 45 }),
			visit({ assignees: ['anna'], minutes: 30, status: 'cancelled' }),
			visit({ assignees: ['anna', 'bertil'], minutes: 20 })
		];
		expect(loadOf(all, 'anna')).toBe(65);
		expect(loadOf(all, 'bertil')).toBe(20);
	});
});

describe('moving a card', () => {
	it('hands the visit from one person to another', () => {
		expect(assigneesAfterMove(['anna'], 'anna', 'bertil')).toEqual(['bertil']);
	});
	it('keeps the other person of a two-staff visit', () => {
		expect(assigneesAfterMove(['anna', 'cecilia'], 'anna', 'bertil')).toEqual([
			'cecilia',
			'bertil'
		]);
	});
	it('puts the visit back to Att fördela by letting go of it', () => {
		expect(assigneesAfterMove(['anna'], 'anna', null)).toEqual([]);
	});
	it('takes an untaken visit', () => {
		expect(assigneesAfterMove([], null, 'anna')).toEqual(['anna']);
	});
	it('does not add a person twice', () => {
		expect(assigneesAfterMove(['anna', 'bertil'], 'anna', 'bertil')).toEqual(['bertil']);
	});
});

describe('frame rows', () => {
	const rows = [
		{
			clientId: 'c1',
			period: '2026-W48',
			frameMinutes: 300,
			usedMinutes: 0,
			plannedMinutes: 0,
			leftMinutes: 300
		},
		{
			clientId: 'c1',
			period: '2026-12',
			frameMinutes: 600,
			usedMinutes: 0,
			plannedMinutes: 0,
			leftMinutes: 600
		}
	];
	it('picks the week row for a weekly frame and the month row for a monthly one', () => {
		expect(frameRowFor(rows, '2026-11-25')?.period).toBe('2026-W48');
		expect(frameRowFor(rows, '2026-12-03')?.period).toBe('2026-12');
		expect(frameRowFor(rows, '2027-01-10')).toBeUndefined();
	});
});

describe('huddle hints', () => {
	const staff = [person('anna', 'Anna'), person('bertil', 'Bertil')];
	it('points out uneven load, never for a small difference', () => {
		const heavy = [visit({ assignees: ['anna'], minutes: UNEVEN_LOAD_MINUTES })];
		const hints = huddleHints({
			visits: heavy,
			staff,
			absences: {},
			date: '2026-11-23',
			services,
			continuity: {}
		});
		expect(hints).toContainEqual(expect.objectContaining({ kind: 'uneven', most: 'Anna' }));
		const light = [visit({ assignees: ['anna'], minutes: UNEVEN_LOAD_MINUTES - 5 })];
		expect(
			huddleHints({
				visits: light,
				staff,
				absences: {},
				date: '2026-11-23',
				services,
				continuity: {}
			})
		).toEqual([]);
	});
	it('does not count a person away all day as lightly loaded', () => {
		const heavy = [visit({ assignees: ['anna'], minutes: 240 })];
		expect(
			huddleHints({
				visits: heavy,
				staff,
				absences: { bertil: { '2026-11-23': 'day' } },
				date: '2026-11-23',
				services,
				continuity: {}
			})
		).toEqual([]);
	});
	it('points out an untaken time-critical visit, a lift short of a person (once) and low continuity', () => {
		const hints = huddleHints({
			visits: [
				visit({ clientId: 'c1', window: 'före 09:00' }),
				visit({ clientId: 'c2', services: ['lift'], assignees: ['anna'] }),
				visit({ clientId: 'c2', services: ['lift'], assignees: [], dayPart: 'evening' })
			],
			staff: [person('anna', 'Anna')],
			absences: {},
			date: '2026-11-23',
			services,
			continuity: { c1: 12, c2: 3 }
		});
		expect(hints).toEqual([
			{ kind: 'critical', clientId: 'c1', window: 'före 09:00' },
			{ kind: 'two-staff', clientId: 'c2', service: 'lift' },
			{ kind: 'continuity', clientId: 'c1', count: 12 }
		]);
	});
});
