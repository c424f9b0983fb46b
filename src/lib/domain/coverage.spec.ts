import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	coverageOf,
	holdsOn,
	neededCompetences,
	presentIn,
	type CoverageInput,
	type CoverageMember
} from './coverage';
import { DAY_PARTS } from './types';

const MON = '2025-05-12';
const TUE = '2025-05-13';

const requirements = {
	insulin: ['insulin-delegation'],
	medication: ['medication-delegation'],
	'personal-care': ['care-training'],
	lift: ['lift-training'],
	cleaning: []
};
const delegations = ['insulin-delegation', 'medication-delegation'];

const member = (over: Partial<CoverageMember> & { id: string }): CoverageMember => ({
	name: over.id,
	home: true,
	lentOn: [],
	competences: [],
	...over
});
const forever = (code: string) => ({ code, validFrom: '2020-01-01', validTo: null });

function input(over: Partial<CoverageInput>): CoverageInput {
	return {
		dates: [MON],
		members: [],
		absences: {},
		visits: [],
		grantedServices: [],
		requirements,
		delegations,
		...over
	};
}

describe('needed competences', () => {
	it('[CV1] from the week visits and the granted services, delegations first', () => {
		expect(
			neededCompetences(
				input({
					visits: [
						{ clientId: 'c1', date: MON, dayPart: 'morning', services: ['lift'], status: 'done' },
						{
							clientId: 'c1',
							date: MON,
							dayPart: 'morning',
							services: ['insulin'],
							status: 'cancelled'
						}
					],
					grantedServices: ['medication', 'personal-care', 'cleaning']
				})
			)
		).toEqual(['medication-delegation', 'care-training', 'lift-training']);
		expect(neededCompetences(input({}))).toEqual([]);
	});
});

describe('present', () => {
	const anna = member({ id: 'anna' });
	it('[CV2] a home member is present unless away', () => {
		expect(presentIn(anna, {}, MON, 'morning')).toBe(true);
		expect(presentIn(anna, { anna: { [MON]: 'day' } }, MON, 'evening')).toBe(false);
		expect(presentIn(anna, { anna: { [MON]: ['morning'] } }, MON, 'morning')).toBe(false);
		expect(presentIn(anna, { anna: { [MON]: ['morning'] } }, MON, 'midday')).toBe(true);
		expect(presentIn(anna, { anna: { [TUE]: 'day' } }, MON, 'morning')).toBe(true);
	});

	it('[CV2] a lent person is present on the lent day only', () => {
		const lent = member({ id: 'lent', home: false, lentOn: [TUE] });
		expect(presentIn(lent, {}, MON, 'morning')).toBe(false);
		expect(presentIn(lent, {}, TUE, 'morning')).toBe(true);
		expect(presentIn(lent, { lent: { [TUE]: ['evening'] } }, TUE, 'evening')).toBe(false);
	});

	it('[CV2] an absence of every day part equals a whole day', () => {
		fc.assert(
			fc.property(fc.subarray([...DAY_PARTS]), fc.constantFrom(...DAY_PARTS), (parts, part) => {
				expect(presentIn(anna, { anna: { [MON]: parts } }, MON, part)).toBe(!parts.includes(part));
			})
		);
	});
});

describe('holders', () => {
	it('[CV3] only a competence valid on the day counts', () => {
		const anna = member({
			id: 'anna',
			competences: [{ code: 'insulin-delegation', validFrom: '2025-01-01', validTo: MON }]
		});
		expect(holdsOn(anna, 'insulin-delegation', MON)).toBe(true);
		expect(holdsOn(anna, 'insulin-delegation', TUE)).toBe(false);
		expect(holdsOn(anna, 'insulin-delegation', '2024-12-31')).toBe(false);
		expect(holdsOn(anna, 'medication-delegation', MON)).toBe(false);
	});
});

describe('coverage and gaps', () => {
	const anna = member({
		id: 'anna',
		name: 'Anna',
		competences: [forever('insulin-delegation'), forever('care-training')]
	});
	const bertil = member({ id: 'bertil', name: 'Bertil', competences: [forever('care-training')] });
	const insulinMorning = {
		clientId: 'c1',
		date: MON,
		dayPart: 'morning' as const,
		services: ['insulin', 'personal-care'],
		status: 'planned'
	};

	it('[CV3] lists the holders present in each day part, by name', () => {
		const result = coverageOf(input({ members: [bertil, anna], visits: [insulinMorning] }));
		expect(result.competences).toEqual(['insulin-delegation', 'care-training']);
		expect(result.slots).toHaveLength(4);
		const morning = result.slots[0];
		expect(morning.present.map((p) => p.name)).toEqual(['Anna', 'Bertil']);
		expect(morning.holders['insulin-delegation'].map((p) => p.name)).toEqual(['Anna']);
		expect(morning.holders['care-training'].map((p) => p.name)).toEqual(['Anna', 'Bertil']);
		expect(morning.gaps).toEqual([]);
	});

	it('[CV4] a time-critical visit with nobody present holding the delegation is a gap', () => {
		const visits = [
			insulinMorning,
			{ ...insulinMorning, clientId: 'c2' },
			{ ...insulinMorning, clientId: 'c2', services: ['insulin'] },
			{ ...insulinMorning, dayPart: 'evening' as const, services: ['personal-care'] }
		];
		const result = coverageOf(
			input({ members: [anna, bertil], absences: { anna: { [MON]: ['morning'] } }, visits })
		);
		expect(result.slots[0].gaps).toEqual([
			{ competence: 'insulin-delegation', clientIds: ['c1', 'c2'], visits: 3 }
		]);
		// Bertil is there in the evening and holds care training: no gap.
		expect(result.slots[3].gaps).toEqual([]);
	});

	it('[CV4] cancelled and declined visits need nobody; done ones do', () => {
		const result = coverageOf(
			input({
				members: [bertil],
				visits: [
					{ ...insulinMorning, status: 'cancelled' },
					{ ...insulinMorning, status: 'declined' },
					{ ...insulinMorning, dayPart: 'midday', status: 'done' }
				]
			})
		);
		expect(result.slots[0].gaps).toEqual([]);
		expect(result.slots[1].gaps).toEqual([
			{ competence: 'insulin-delegation', clientIds: ['c1'], visits: 1 }
		]);
	});

	it('[CV4] only delegations make gaps, and an expired delegation leaves one', () => {
		const expired = member({
			id: 'old',
			competences: [{ code: 'insulin-delegation', validFrom: '2024-01-01', validTo: '2025-05-11' }]
		});
		const result = coverageOf(
			input({
				members: [expired],
				visits: [{ ...insulinMorning, services: ['insulin', 'lift'] }]
			})
		);
		expect(result.slots[0].gaps.map((g) => g.competence)).toEqual(['insulin-delegation']);
		expect(result.slots[0].holders['lift-training']).toEqual([]);
	});

	it('[CV4] a gap exactly when a needing visit meets no present holder', () => {
		const memberArb = fc.record({
			id: fc.constantFrom('a', 'b', 'c'),
			home: fc.boolean(),
			lent: fc.boolean(),
			insulin: fc.boolean(),
			away: fc.option(fc.subarray([...DAY_PARTS], { minLength: 1 }))
		});
		fc.assert(
			fc.property(
				fc.uniqueArray(memberArb, { selector: (m) => m.id }),
				fc.constantFrom(...DAY_PARTS),
				fc.constantFrom('planned', 'done', 'cancelled', 'declined'),
				(people, dayPart, status) => {
					const members = people.map((p) =>
						member({
							id: p.id,
							home: p.home,
							lentOn: p.lent ? [MON] : [],
							competences: p.insulin ? [forever('insulin-delegation')] : []
						})
					);
					const absences = Object.fromEntries(
						people.filter((p) => p.away).map((p) => [p.id, { [MON]: p.away! }])
					);
					const visit = { ...insulinMorning, dayPart, status };
					const slot = coverageOf(input({ members, absences, visits: [visit] })).slots.find(
						(s) => s.dayPart === dayPart
					)!;
					const covered = people.some(
						(p) => (p.home || p.lent) && p.insulin && !(p.away ?? []).includes(dayPart)
					);
					const needs = status === 'planned' || status === 'done';
					expect(slot.gaps.length > 0).toBe(needs && !covered);
				}
			)
		);
	});
});
