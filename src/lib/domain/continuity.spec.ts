import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	CONTINUITY_TREND_POINTS,
	NATIONAL_CONTINUITY_LEVEL,
	aboveNationalLevel,
	continuityMedian,
	continuityTrendEnds,
	continuityWindow,
	median,
	trendDirection,
	worstFirst
} from './continuity';
import { addDays, daysBetween } from './periods';

const dayArb = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays('1990-01-01', n));
const countsArb = fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 });

describe('windows', () => {
	it('[CO2] the window is the day and the 13 days before it', () => {
		expect(continuityWindow('2025-03-14')).toEqual({ start: '2025-03-01', end: '2025-03-14' });
		expect(continuityWindow('2024-03-01')).toEqual({ start: '2024-02-17', end: '2024-03-01' });
		expect(continuityWindow('2025-01-05')).toEqual({ start: '2024-12-23', end: '2025-01-05' });
	});

	it('[CO2] every window holds exactly 14 days', () => {
		fc.assert(
			fc.property(dayArb, (end) => {
				const w = continuityWindow(end);
				expect(daysBetween(w.start, w.end)).toBe(13);
			})
		);
	});

	it('[CO3] the trend is seven consecutive fortnights ending on the day, oldest first', () => {
		expect(continuityTrendEnds('2025-06-30')).toEqual([
			'2025-04-07',
			'2025-04-21',
			'2025-05-05',
			'2025-05-19',
			'2025-06-02',
			'2025-06-16',
			'2025-06-30'
		]);
		expect(CONTINUITY_TREND_POINTS).toBe(7);
		expect(continuityTrendEnds('2025-06-30', 1)).toEqual(['2025-06-30']);
		expect(() => continuityTrendEnds('2025-06-30', 0)).toThrow(RangeError);
		expect(() => continuityTrendEnds('2025-06-30', 1.5)).toThrow(RangeError);
	});

	it('[CO3] the windows neither overlap nor leave a day out', () => {
		fc.assert(
			fc.property(dayArb, fc.integer({ min: 1, max: 12 }), (today, points) => {
				const ends = continuityTrendEnds(today, points);
				expect(ends).toHaveLength(points);
				expect(ends[ends.length - 1]).toBe(today);
				for (let i = 1; i < ends.length; i++) {
					expect(addDays(continuityWindow(ends[i - 1]).end, 1)).toBe(
						continuityWindow(ends[i]).start
					);
				}
			})
		);
	});
});

describe('medians', () => {
	it('[CO4] the middle value, or the mean of the two middle ones; none of nothing', () => {
		expect(median([])).toBeNull();
		expect(median([7])).toBe(7);
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([5, 5, 5, 9])).toBe(5);
		expect(median([10, 2])).toBe(6);
	});

	it('[CO4] a median lies between the smallest and the largest value and ignores order', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 30 }),
				(values) => {
					const m = median(values)!;
					expect(m).toBeGreaterThanOrEqual(Math.min(...values));
					expect(m).toBeLessThanOrEqual(Math.max(...values));
					expect(median([...values].reverse())).toBe(m);
					// Half the values lie at or below it, half at or above it.
					expect(values.filter((v) => v <= m).length * 2).toBeGreaterThanOrEqual(values.length);
					expect(values.filter((v) => v >= m).length * 2).toBeGreaterThanOrEqual(values.length);
					// Whole numbers or halves only.
					expect(Number.isInteger(m * 2)).toBe(true);
				}
			)
		);
	});

	it('[CO4] clients without visits are not part of a team median', () => {
		expect(continuityMedian([0, 0, 4, 6, 8])).toBe(6);
		expect(continuityMedian([0, 0])).toBeNull();
		expect(continuityMedian([])).toBeNull();
		fc.assert(
			fc.property(countsArb, fc.integer({ min: 0, max: 10 }), (counts, zeros) => {
				expect(continuityMedian([...counts, ...Array<number>(zeros).fill(0)])).toBe(
					continuityMedian(counts)
				);
			})
		);
	});
});

describe('national level', () => {
	it('[CO5] more than 15 different staff is marked, 15 is not', () => {
		expect(NATIONAL_CONTINUITY_LEVEL).toBe(15);
		expect(aboveNationalLevel(15)).toBe(false);
		expect(aboveNationalLevel(16)).toBe(true);
		expect(aboveNationalLevel(0)).toBe(false);
	});
});

describe('direction', () => {
	it('[CO6] compares the current fortnight with the median of the earlier ones', () => {
		expect(trendDirection([8, 9, 10, 6])).toBe('improving');
		expect(trendDirection([8, 9, 10, 8])).toBe('improving');
		expect(trendDirection([8, 9, 10, 9])).toBe('steady');
		expect(trendDirection([8, 9, 10, 10])).toBe('worsening');
		expect(trendDirection([8, 9, 10, 11, 9])).toBe('steady'); // median 9.5: half a person
		expect(trendDirection([8, 9, 10, 11, 8])).toBe('improving');
	});

	it('[CO6] fortnights without visits are unmeasured', () => {
		expect(trendDirection([])).toBe('unknown');
		expect(trendDirection([5])).toBe('unknown');
		expect(trendDirection([0, 0, 0, 5])).toBe('unknown');
		expect(trendDirection([null, null, 5])).toBe('unknown');
		expect(trendDirection([4, 6, 0])).toBe('unknown');
		expect(trendDirection([4, 6, null])).toBe('unknown');
		expect(trendDirection([0, 12, 0, 5])).toBe('improving');
		expect(trendDirection([0, 2, null, 5])).toBe('worsening');
	});

	it('[CO6] adding unmeasured earlier points never changes the direction', () => {
		fc.assert(
			fc.property(
				fc.array(fc.option(fc.integer({ min: 0, max: 40 })), { maxLength: 10 }),
				fc.integer({ min: 0, max: 5 }),
				(values, pad) => {
					const padded = [...Array<null>(pad).fill(null), ...values];
					expect(trendDirection(padded)).toBe(trendDirection(values));
				}
			)
		);
	});

	it('[CO6] fewer staff than every earlier fortnight is improving, more is worsening', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 2, max: 40 }), { minLength: 1, maxLength: 8 }),
				(earlier) => {
					const low = Math.min(...earlier) - 1;
					const high = Math.max(...earlier) + 1;
					expect(trendDirection([...earlier, low])).toBe('improving');
					expect(trendDirection([...earlier, high])).toBe('worsening');
				}
			)
		);
	});
});

describe('order', () => {
	it('[CO7] most staff first, clients without visits last, ties by Swedish name', () => {
		const rows = [
			{ id: 'a', name: 'Örjan', staffMet: 4 },
			{ id: 'b', name: 'Åsa', staffMet: 4 },
			{ id: 'c', name: 'Zelda', staffMet: 4 },
			{ id: 'd', name: 'Ada', staffMet: 0 },
			{ id: 'e', name: 'Bo', staffMet: 17 }
		];
		expect(worstFirst(rows).map((r) => r.name)).toEqual(['Bo', 'Zelda', 'Åsa', 'Örjan', 'Ada']);
		expect(rows[0].name).toBe('Örjan'); // the input is left alone
	});

	it('[CO7] the order is total and does not depend on the input order', () => {
		const rowArb = fc.record({
			id: fc.uuid(),
			name: fc.constantFrom('Ada', 'Bo', 'Åsa', 'Örjan'),
			staffMet: fc.integer({ min: 0, max: 20 })
		});
		fc.assert(
			fc.property(fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 20 }), (rows) => {
				const sorted = worstFirst(rows);
				expect(worstFirst([...rows].reverse())).toEqual(sorted);
				for (let i = 1; i < sorted.length; i++) {
					expect(sorted[i - 1].staffMet).toBeGreaterThanOrEqual(sorted[i].staffMet);
				}
			})
		);
	});
});
