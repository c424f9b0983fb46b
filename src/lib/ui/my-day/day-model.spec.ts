import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DAY_PARTS, type DayPart } from '$lib/domain/types';
import type { BoardVisit } from '$lib/board';
import { baselineOf, changesSince, dayPartAt, myVisits, nextVisit } from './day-model';

const ME = '00000000-0000-4000-8000-000000000001';
const BERTIL = '00000000-0000-4000-8000-000000000002';
const MONDAY = '2026-11-23';

let n = 0;
function visit(overrides: Partial<BoardVisit> = {}): BoardVisit {
	n += 1;
	return {
		id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
		clientId: 'c1',
		date: MONDAY,
		dayPart: 'morning',
		services: ['meals'],
		minutes: 30,
		assignees: [ME],
		status: 'planned',
		rank: 'V',
		note: '',
		...overrides
	};
}

describe('my visits', () => {
	it('are those assigned to me that day, in board order, without cancelled ones', () => {
		const evening = visit({ dayPart: 'evening' });
		const morningB = visit({ rank: 'b' });
		const morningA = visit({ rank: 'a' });
		const shared = visit({ dayPart: 'midday', assignees: [BERTIL, ME] });
		const all = [
			evening,
			morningB,
			morningA,
			shared,
			visit({ assignees: [BERTIL] }),
			visit({ date: '2026-11-24' }),
			visit({ status: 'cancelled' })
		];
		expect(myVisits(all, ME, MONDAY).map((v) => v.id)).toEqual([
			morningA.id,
			morningB.id,
			shared.id,
			evening.id
		]);
	});
});

describe('the next visit', () => {
	it('is the first planned one in the current day part or later', () => {
		const morning = visit({ dayPart: 'morning' });
		const afternoon = visit({ dayPart: 'afternoon' });
		const done = visit({ dayPart: 'midday', status: 'done' });
		const mine = [morning, done, afternoon];
		expect(nextVisit(mine, { date: MONDAY, hour: 8 })?.id).toBe(morning.id);
		expect(nextVisit(mine, { date: MONDAY, hour: 12 })?.id).toBe(afternoon.id);
		// Past the last planned day part: the forgotten morning visit shows rather than nothing.
		expect(nextVisit(mine, { date: MONDAY, hour: 20 })?.id).toBe(morning.id);
		// Another day: simply the first planned.
		expect(nextVisit(mine, { date: '2026-11-22', hour: 20 })?.id).toBe(morning.id);
		expect(nextVisit([done], { date: MONDAY, hour: 8 })).toBeUndefined();
	});

	it('maps clock hours onto the day parts (07–11, 11–14, 14–18, 18–22)', () => {
		expect([6, 10, 11, 13, 14, 17, 18, 23].map(dayPartAt)).toEqual([
			'morning',
			'morning',
			'midday',
			'midday',
			'afternoon',
			'afternoon',
			'evening',
			'evening'
		]);
	});
});

describe('changes since the huddle', () => {
	it('marks new visits and the fields that changed, and lists visits taken away', () => {
		const kept = visit();
		const moved = visit();
		const longer = visit();
		const gone = visit();
		const baseline = baselineOf([kept, moved, longer, gone]);
		const added = visit();
		const now = [
			kept,
			{ ...moved, dayPart: 'afternoon' as DayPart, assignees: [ME, BERTIL] },
			{ ...longer, minutes: 45, services: ['meals', 'shower'], window: 'före 09:00' },
			added
		];
		const { changed, removed } = changesSince(baseline, now);
		expect(Object.fromEntries(changed)).toEqual({
			[moved.id]: ['dayPart', 'colleagues'],
			[longer.id]: ['minutes', 'services', 'window'],
			[added.id]: ['new']
		});
		expect(removed).toEqual([gone.id]);
	});

	it('finds nothing changed against its own baseline, whatever the order of sets', () => {
		const arb = fc.array(
			fc.record({
				dayPart: fc.constantFrom(...DAY_PARTS),
				minutes: fc.integer({ min: 1, max: 96 }).map((x) => x * 5),
				services: fc.uniqueArray(fc.constantFrom('meals', 'shower', 'insulin', 'walk'), {
					minLength: 1
				}),
				assignees: fc.uniqueArray(fc.constantFrom(ME, BERTIL), { minLength: 1 })
			}),
			{ maxLength: 8 }
		);
		fc.assert(
			fc.property(arb, (specs) => {
				const visits = specs.map((s) => visit(s));
				const shuffled = visits.map((v) => ({
					...v,
					services: [...v.services].reverse(),
					assignees: [...v.assignees].reverse()
				}));
				const { changed, removed } = changesSince(baselineOf(visits), shuffled);
				expect(changed.size).toBe(0);
				expect(removed).toEqual([]);
			})
		);
	});
});
