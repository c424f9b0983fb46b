import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareByRank, isValidRank, rankBetween, ranksBetween } from './rank';

/** Any well-formed rank. */
const rankArb = fc
	.string({
		unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
		minLength: 1,
		maxLength: 8
	})
	.filter(isValidRank);

const sortedPair = fc
	.tuple(rankArb, rankArb)
	.filter(([a, b]) => a !== b)
	.map(([a, b]) => (a < b ? ([a, b] as const) : ([b, a] as const)));

function expectStrictlyBetween(rank: string, a: string | null, b: string | null) {
	expect(isValidRank(rank)).toBe(true);
	if (a !== null) expect(a < rank).toBe(true);
	if (b !== null) expect(rank < b).toBe(true);
}

describe('ranks', () => {
	it('[R1] a first rank, one before and one after', () => {
		const first = rankBetween(null, null);
		expectStrictlyBetween(first, null, null);
		expectStrictlyBetween(rankBetween(null, first), null, first);
		expectStrictlyBetween(rankBetween(first, null), first, null);
	});

	it('[R1] finds room between neighbours that differ only in their last digit', () => {
		for (const [a, b] of [
			['V', 'W'],
			['1', '2'],
			['z', 'zV'],
			['0V', '1'],
			['Vz', 'W'],
			['V', 'V01'],
			['V0001', 'V001']
		]) {
			expectStrictlyBetween(rankBetween(a, b), a, b);
		}
	});

	it('[R1] always sorts strictly between its neighbours', () => {
		fc.assert(
			fc.property(sortedPair, ([a, b]) => {
				expectStrictlyBetween(rankBetween(a, b), a, b);
				expectStrictlyBetween(rankBetween(a, null), a, null);
				expectStrictlyBetween(rankBetween(null, b), null, b);
			})
		);
	});

	it('[R1] refuses malformed ranks and neighbours in the wrong order', () => {
		expect(() => rankBetween('W', 'V')).toThrow(RangeError);
		expect(() => rankBetween('V', 'V')).toThrow(RangeError);
		expect(() => rankBetween('V0', null)).toThrow(RangeError);
		expect(() => rankBetween(null, '')).toThrow(RangeError);
		expect(() => rankBetween('a-b', null)).toThrow(RangeError);
		expect(() => rankBetween(null, '0')).toThrow(RangeError);
	});

	it('[R1] inserting at random places keeps a column in order, indefinitely', () => {
		fc.assert(
			fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), (places) => {
				const column: string[] = [];
				for (const place of places) {
					const i = place % (column.length + 1);
					const rank = rankBetween(column[i - 1] ?? null, column[i] ?? null);
					column.splice(i, 0, rank);
				}
				for (let i = 1; i < column.length; i++) expect(column[i - 1] < column[i]).toBe(true);
				expect(column.every(isValidRank)).toBe(true);
			}),
			{ numRuns: 50 }
		);
	});

	it('[R1] appending and prepending keep ranks short', () => {
		let last = rankBetween(null, null);
		let first = last;
		for (let i = 0; i < 1000; i++) {
			last = rankBetween(last, null);
			first = rankBetween(null, first);
		}
		expect(last.length).toBeLessThanOrEqual(40);
		expect(first.length).toBeLessThanOrEqual(40);
	});

	it('[R1] inserting at the same spot again and again grows ranks only slowly', () => {
		const a = 'V';
		let b = 'W';
		for (let i = 0; i < 200; i++) b = rankBetween(a, b);
		// Each insert halves the gap: a base-62 digit holds five halvings, so 200 inserts need ~41.
		expect(b.length).toBeLessThanOrEqual(42);
		expect(a < b).toBe(true);
	});

	it('[R1] spreads a whole column of ranks evenly and in order', () => {
		const ranks = ranksBetween(null, null, 100);
		expect(ranks).toHaveLength(100);
		expect([...ranks].sort()).toEqual(ranks);
		expect(new Set(ranks).size).toBe(100);
		expect(Math.max(...ranks.map((r) => r.length))).toBeLessThanOrEqual(3);
		expect(ranksBetween('V', 'W', 0)).toEqual([]);
		fc.assert(
			fc.property(sortedPair, fc.nat(40), ([a, b], n) => {
				const between = ranksBetween(a, b, n);
				expect(between).toHaveLength(n);
				let previous = a;
				for (const rank of between) {
					expectStrictlyBetween(rank, previous, b);
					previous = rank;
				}
			})
		);
	});

	it('[R2] equal ranks from concurrent inserts sort the same everywhere, by visit id', () => {
		const visits = [
			{ id: 'b', rank: 'V' },
			{ id: 'a', rank: 'V' },
			{ id: 'c', rank: 'U' }
		];
		expect([...visits].sort(compareByRank).map((v) => v.id)).toEqual(['c', 'a', 'b']);
		expect(
			[...visits]
				.reverse()
				.sort(compareByRank)
				.map((v) => v.id)
		).toEqual(['c', 'a', 'b']);
	});

	it('[R3] ranks order by code unit, not by locale', () => {
		// A locale-aware comparison would put lower case before upper case.
		const ranks = ['a', 'B', '9', 'Z', 'z', '1'];
		expect([...ranks].sort()).toEqual(['1', '9', 'B', 'Z', 'a', 'z']);
		expectStrictlyBetween(rankBetween('Z', 'a'), 'Z', 'a');
	});
});
