import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveredDays, grantedMinutes, hoursOf, isMonthKey, previousMonth } from './billing';
import { addDays, monthRange } from './periods';

const monthArb = fc
	.record({ year: fc.integer({ min: 2000, max: 2099 }), month: fc.integer({ min: 1, max: 12 }) })
	.map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}`);

describe('billing months', () => {
	it('[BI1] accepts real months written YYYY-MM only', () => {
		for (const ok of ['2026-01', '2026-12', '2024-02']) expect(isMonthKey(ok), ok).toBe(true);
		for (const bad of ['2026-13', '2026-00', '2026-1', '26-01', '2026-W05', '', '2026-01-01']) {
			expect(isMonthKey(bad), bad).toBe(false);
		}
	});

	it('[BI1] preselects the last complete month', () => {
		expect(previousMonth('2026-03-15')).toBe('2026-02');
		expect(previousMonth('2026-03-01')).toBe('2026-02');
		expect(previousMonth('2026-01-31')).toBe('2025-12');
		fc.assert(
			fc.property(monthArb, fc.integer({ min: 0, max: 27 }), (month, offset) => {
				const day = addDays(monthRange(month).start, offset);
				const previous = previousMonth(day);
				expect(addDays(monthRange(previous).end, 1)).toBe(monthRange(month).start);
			})
		);
	});
});

describe('covered days', () => {
	it('[BI2] clips the decision to the month', () => {
		expect(coveredDays('2026-02', '2025-01-01', null)).toEqual({
			start: '2026-02-01',
			end: '2026-02-28',
			days: 28,
			daysInMonth: 28
		});
		expect(coveredDays('2024-02', '2024-02-10', '2024-02-20')).toEqual({
			start: '2024-02-10',
			end: '2024-02-20',
			days: 11,
			daysInMonth: 29
		});
		expect(coveredDays('2026-03', '2026-03-31', null)?.days).toBe(1);
		expect(coveredDays('2026-03', '2026-01-01', '2026-03-01')?.days).toBe(1);
		expect(coveredDays('2026-03', '2026-04-01', null)).toBeNull();
		expect(coveredDays('2026-03', '2026-01-01', '2026-02-28')).toBeNull();
	});

	it('[BI2] covered days lie in the month and in the validity', () => {
		fc.assert(
			fc.property(
				monthArb,
				fc.integer({ min: -60, max: 60 }),
				fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
				(month, fromOffset, length) => {
					const { start, end } = monthRange(month);
					const validFrom = addDays(start, fromOffset);
					const validTo = length === null ? null : addDays(validFrom, length);
					const covered = coveredDays(month, validFrom, validTo);
					let expected = 0;
					for (let d = start; d <= end; d = addDays(d, 1)) {
						if (d >= validFrom && (validTo === null || d <= validTo)) expected++;
					}
					expect(covered?.days ?? 0).toBe(expected);
				}
			)
		);
	});
});

describe('granted minutes', () => {
	it('[BI3] a whole month of a monthly frame grants the frame', () => {
		expect(grantedMinutes('month', 600, { days: 31, daysInMonth: 31 })).toBe(600);
		expect(grantedMinutes('month', 600, { days: 28, daysInMonth: 28 })).toBe(600);
	});

	it('[BI3] a monthly frame is prorated by days of the month', () => {
		// 600 × 10 / 30 = 200; 600 × 10 / 31 = 193.5… → 194
		expect(grantedMinutes('month', 600, { days: 10, daysInMonth: 30 })).toBe(200);
		expect(grantedMinutes('month', 600, { days: 10, daysInMonth: 31 })).toBe(194);
	});

	it('[BI3] a weekly frame grants frame ÷ 7 a day', () => {
		// 420 a week = 60 a day
		expect(grantedMinutes('week', 420, { days: 30, daysInMonth: 30 })).toBe(1800);
		expect(grantedMinutes('week', 420, { days: 31, daysInMonth: 31 })).toBe(1860);
		// 100 × 3 / 7 = 42.86 → 43; 35 × 1 / 7 = 5
		expect(grantedMinutes('week', 100, { days: 3, daysInMonth: 31 })).toBe(43);
		expect(grantedMinutes('week', 35, { days: 1, daysInMonth: 28 })).toBe(5);
	});

	it('[BI3] rounds half up to whole minutes', () => {
		expect(grantedMinutes('month', 45, { days: 1, daysInMonth: 30 })).toBe(2); // 1.5 → 2
		expect(grantedMinutes('month', 15, { days: 1, daysInMonth: 30 })).toBe(1); // 0.5 → 1
		expect(grantedMinutes('month', 14, { days: 1, daysInMonth: 28 })).toBe(1); // 0.5 → 1
		expect(grantedMinutes('week', 10, { days: 1, daysInMonth: 30 })).toBe(1); // 1.43 → 1
	});

	it('[BI3] equals the rounded exact share, and grows with the days covered', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('week' as const, 'month' as const),
				fc.integer({ min: 1, max: 2016 }).map((n) => n * 5),
				fc.integer({ min: 28, max: 31 }),
				fc.integer({ min: 1, max: 31 }),
				(period, frame, daysInMonth, rawDays) => {
					const days = Math.min(rawDays, daysInMonth);
					const granted = grantedMinutes(period, frame, { days, daysInMonth });
					const exact = (frame * days) / (period === 'week' ? 7 : daysInMonth);
					expect(Number.isInteger(granted)).toBe(true);
					expect(Math.abs(granted - exact)).toBeLessThanOrEqual(0.5);
					if (days > 1) {
						expect(granted).toBeGreaterThanOrEqual(
							grantedMinutes(period, frame, { days: days - 1, daysInMonth })
						);
					}
				}
			)
		);
	});
});

describe('hours', () => {
	it('[BI4] minutes as hours with at most two decimals', () => {
		expect(hoursOf(90)).toBe(1.5);
		expect(hoursOf(60)).toBe(1);
		expect(hoursOf(20)).toBe(0.33);
		expect(hoursOf(0)).toBe(0);
		expect(hoursOf(1)).toBe(0.02);
	});
});
