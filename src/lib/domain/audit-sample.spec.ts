import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPeriod, checkSampleRequest, defaultPeriod } from './audit-sample';
import { addDays, daysBetween } from './periods';

describe('periods', () => {
	it('[AS1] defaults to the last 30 days including today', () => {
		expect(defaultPeriod('2026-03-30')).toEqual({ from: '2026-03-01', to: '2026-03-30' });
	});

	it('[AS1] needs real dates, from ≤ to, at most 366 days', () => {
		expect(checkPeriod('2026-01-01', '2026-01-01')).toEqual({});
		expect(checkPeriod('2024-01-01', '2024-12-31')).toEqual({});
		expect(checkPeriod('2025-01-01', '2026-01-01')).toEqual({});
		expect(checkPeriod('2025-01-01', '2026-01-02')).toEqual({ to: 'period-too-long' });
		expect(checkPeriod('2026-02-02', '2026-02-01')).toEqual({ to: 'from-after-to' });
		expect(checkPeriod('2026-02-30', 'x')).toEqual({ from: 'invalid-from', to: 'invalid-to' });
		expect(checkPeriod('', '2026-01-01')).toEqual({ from: 'invalid-from' });
	});

	it('[AS1] accepts exactly the periods of 1..366 days', () => {
		fc.assert(
			fc.property(fc.integer({ min: -10, max: 800 }), (length) => {
				const from = '2026-05-10';
				const to = addDays(from, length);
				const ok = Object.keys(checkPeriod(from, to)).length === 0;
				expect(ok).toBe(daysBetween(from, to) >= 0 && daysBetween(from, to) < 366);
			})
		);
	});
});

describe('sample requests', () => {
	it('[AS2] draws 1 to 50 reads', () => {
		const period = { from: '2026-01-01', to: '2026-01-31' };
		for (const count of ['1', '10', '50', 7, ' 20 ']) {
			expect(checkSampleRequest({ ...period, count }), String(count)).toEqual({});
		}
		for (const count of ['0', '51', '', '1.5', '-1', 'tio', '1e1', 1000]) {
			expect(checkSampleRequest({ ...period, count }), String(count)).toEqual({
				count: 'invalid-count'
			});
		}
		expect(checkSampleRequest({ from: 'x', to: '2026-01-01', count: '0' })).toEqual({
			from: 'invalid-from',
			count: 'invalid-count'
		});
	});
});
