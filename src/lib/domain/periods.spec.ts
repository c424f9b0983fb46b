import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateArb, decision } from '../../../tests/fixtures/domain';
import {
	addDays,
	compareDates,
	datesOfIsoWeek,
	daysBetween,
	decisionCovering,
	framePeriodOf,
	isoWeekKey,
	isoWeekRange,
	isoWeeksInYear,
	isoWeekday,
	isValidIsoDate,
	isWithin,
	monthKey,
	monthRange,
	parsePeriodKey,
	periodsOverlapping,
	todayIn
} from './periods';

describe('dates', () => {
	it('[P1] accepts real calendar days only', () => {
		for (const ok of ['2026-11-23', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) {
			expect(isValidIsoDate(ok), ok).toBe(true);
		}
		for (const bad of [
			'2026-02-29',
			'1900-02-29',
			'2026-13-01',
			'2026-00-10',
			'2026-04-31',
			'2026-1-5',
			'26-01-05',
			'2026-01-05T00:00',
			' 2026-01-05',
			'0000-01-01',
			'',
			'garbage'
		]) {
			expect(isValidIsoDate(bad), bad).toBe(false);
		}
	});

	it('[P1] adds days across month, year and leap-day boundaries', () => {
		expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
		expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
		expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
		expect(addDays('2026-11-23', 0)).toBe('2026-11-23');
		expect(addDays('2026-11-23', 365)).toBe('2027-11-23');
	});

	it('[P1] a daylight-saving change never shifts a day', () => {
		// Sweden moves clocks on 2026-03-29 and 2026-10-25.
		expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
		expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
		expect(addDays('2026-10-24', 1)).toBe('2026-10-25');
		expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
		expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
		expect(daysBetween('2026-10-01', '2026-11-01')).toBe(31);
	});

	it('[P1] refuses invalid input instead of guessing', () => {
		expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
		expect(() => addDays('2026-02-10', 0.5)).toThrow(RangeError);
		expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
		expect(() => compareDates('2026-01-01', 'soon')).toThrow(RangeError);
	});

	it('[P1] addDays is reversible and agrees with daysBetween and date order', () => {
		fc.assert(
			fc.property(dateArb(), fc.integer({ min: -3000, max: 3000 }), (date, n) => {
				const later = addDays(date, n);
				expect(isValidIsoDate(later)).toBe(true);
				expect(addDays(later, -n)).toBe(date);
				expect(daysBetween(date, later)).toBe(n);
				expect(compareDates(later, date)).toBe(Math.sign(n));
				// ISO dates sort as strings.
				expect(Math.sign(later.localeCompare(date))).toBe(Math.sign(n));
			})
		);
	});

	it('[P1] weekdays follow the calendar', () => {
		expect(isoWeekday('2026-11-23')).toBe(1);
		expect(isoWeekday('2026-11-29')).toBe(7);
		expect(isoWeekday('1970-01-01')).toBe(4);
		expect(isoWeekday('1969-12-29')).toBe(1);
	});
});

describe('ISO weeks', () => {
	it('[P2] names weeks by their ISO week-year', () => {
		expect(isoWeekKey('2026-11-23')).toBe('2026-W48');
		expect(isoWeekKey('2026-11-29')).toBe('2026-W48');
		expect(isoWeekKey('2026-11-30')).toBe('2026-W49');
		expect(isoWeekKey('2027-01-04')).toBe('2027-W01');
		expect(isoWeekKey('2027-01-03')).toBe('2026-W53');
		expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
		expect(isoWeekKey('2020-12-31')).toBe('2020-W53');
		expect(isoWeekKey('2021-01-03')).toBe('2020-W53');
		expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
		expect(isoWeekKey('2026-01-01')).toBe('2026-W01');
		expect(isoWeekKey('2025-12-29')).toBe('2026-W01');
		expect(isoWeekKey('2026-01-05')).toBe('2026-W02');
		expect(isoWeekKey('2023-01-01')).toBe('2022-W52');
	});

	it('[P2] a year has 53 weeks exactly when it begins or ends on a Thursday', () => {
		expect(isoWeeksInYear(2020)).toBe(53);
		expect(isoWeeksInYear(2026)).toBe(53);
		expect(isoWeeksInYear(2032)).toBe(53);
		expect(isoWeeksInYear(2025)).toBe(52);
		expect(isoWeeksInYear(2027)).toBe(52);
		for (let year = 1900; year <= 2200; year++) {
			const jan1 = isoWeekday(`${year}-01-01`);
			const dec31 = isoWeekday(`${year}-12-31`);
			expect(isoWeeksInYear(year)).toBe(jan1 === 4 || dec31 === 4 ? 53 : 52);
		}
	});

	it('[P2] a week runs Monday to Sunday, also across month and year ends', () => {
		expect(isoWeekRange('2026-W48')).toEqual({
			kind: 'week',
			key: '2026-W48',
			start: '2026-11-23',
			end: '2026-11-29'
		});
		expect(isoWeekRange('2026-W53')).toMatchObject({ start: '2026-12-28', end: '2027-01-03' });
		expect(isoWeekRange('2020-W53')).toMatchObject({ start: '2020-12-28', end: '2021-01-03' });
		expect(isoWeekRange('2025-W01')).toMatchObject({ start: '2024-12-30', end: '2025-01-05' });
		expect(isoWeekRange('2026-W05')).toMatchObject({ start: '2026-01-26', end: '2026-02-01' });
		expect(datesOfIsoWeek('2026-W53')).toEqual([
			'2026-12-28',
			'2026-12-29',
			'2026-12-30',
			'2026-12-31',
			'2027-01-01',
			'2027-01-02',
			'2027-01-03'
		]);
	});

	it('[P2] refuses weeks that do not exist', () => {
		for (const bad of ['2025-W53', '2027-W53', '2026-W00', '2026-W54', '2026-W1', '2026W01']) {
			expect(() => isoWeekRange(bad), bad).toThrow(RangeError);
			expect(() => datesOfIsoWeek(bad), bad).toThrow(RangeError);
		}
	});

	it('[P2] every date lies in the week its key names, and the key round-trips', () => {
		fc.assert(
			fc.property(dateArb(), (date) => {
				const key = isoWeekKey(date);
				const range = isoWeekRange(key);
				expect(range.key).toBe(key);
				expect(isWithin(date, range)).toBe(true);
				expect(isoWeekday(range.start)).toBe(1);
				expect(daysBetween(range.start, range.end)).toBe(6);
				expect(datesOfIsoWeek(key)).toContain(date);
				expect(datesOfIsoWeek(key).map(isoWeekKey)).toEqual(Array(7).fill(key));
			})
		);
	});

	it('[P2] consecutive weeks follow each other without gaps for two centuries', () => {
		let previous = isoWeekRange('1900-W01');
		let weeks = 1;
		const stop = isoWeekRange('2100-W01').start;
		for (let day = addDays(previous.end, 1); day < stop; day = addDays(day, 7)) {
			const week = isoWeekRange(isoWeekKey(day));
			expect(week.start).toBe(addDays(previous.end, 1));
			previous = week;
			weeks++;
		}
		let expected = 0;
		for (let year = 1900; year < 2100; year++) expected += isoWeeksInYear(year);
		expect(weeks).toBe(expected);
	});
});

describe('months', () => {
	it('[P3] a month runs from its first to its last day', () => {
		expect(monthKey('2026-11-23')).toBe('2026-11');
		expect(monthRange('2026-11')).toEqual({
			kind: 'month',
			key: '2026-11',
			start: '2026-11-01',
			end: '2026-11-30'
		});
		expect(monthRange('2024-02')).toMatchObject({ end: '2024-02-29' });
		expect(monthRange('2026-02')).toMatchObject({ end: '2026-02-28' });
		expect(monthRange('2026-12')).toMatchObject({ end: '2026-12-31' });
		expect(() => monthRange('2026-13')).toThrow(RangeError);
		expect(() => monthKey('2026-02-31')).toThrow(RangeError);
	});

	it('[P3] every date lies in the month its key names', () => {
		fc.assert(
			fc.property(dateArb(), (date) => {
				const range = monthRange(monthKey(date));
				expect(isWithin(date, range)).toBe(true);
				expect(range.start.endsWith('-01')).toBe(true);
				expect(monthKey(addDays(range.end, 1))).not.toBe(range.key);
				expect(monthKey(addDays(range.start, -1))).not.toBe(range.key);
			})
		);
	});
});

describe('period keys from outside', () => {
	it('[P4] parses week and month keys', () => {
		expect(parsePeriodKey('2026-W48')).toEqual(isoWeekRange('2026-W48'));
		expect(parsePeriodKey('2026-W53')).toEqual(isoWeekRange('2026-W53'));
		expect(parsePeriodKey('2026-11')).toEqual(monthRange('2026-11'));
	});

	it('[P4] answers null for anything that is not an existing period', () => {
		for (const bad of [
			'2025-W53',
			'2026-W00',
			'2026-W54',
			'2026-W5',
			'2026-w05',
			'2026-13',
			'2026-00',
			'2026-1',
			'0000-01',
			'0000-W01',
			'9999-W52',
			'2026-11-23',
			'2026-11 ',
			'',
			'week 48',
			'<script>'
		]) {
			expect(parsePeriodKey(bad), bad).toBeNull();
		}
	});

	it('[P4] never throws, whatever the input', () => {
		fc.assert(
			fc.property(fc.string(), (s) => {
				const parsed = parsePeriodKey(s);
				expect(parsed === null || parsed.key === s).toBe(true);
			})
		);
	});
});

describe('frame periods', () => {
	it('[P5] a frame period is the ISO week or the month holding the date', () => {
		expect(framePeriodOf('week', '2027-01-01')).toEqual(isoWeekRange('2026-W53'));
		expect(framePeriodOf('month', '2027-01-01')).toEqual(monthRange('2027-01'));
	});

	it('[P5] every date belongs to exactly one period of each kind', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('week' as const, 'month' as const),
				dateArb({ min: '2000-01-01', max: '2040-12-31' }),
				(kind, date) => {
					const around = periodsOverlapping(kind, {
						start: addDays(date, -70),
						end: addDays(date, 70)
					});
					const holding = around.filter((p) => isWithin(date, p));
					expect(holding).toEqual([framePeriodOf(kind, date)]);
				}
			)
		);
	});

	it('[P6] lists the periods overlapping a range, in order and without gaps', () => {
		expect(
			periodsOverlapping('week', { start: '2026-11-01', end: '2026-11-30' }).map((p) => p.key)
		).toEqual(['2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48', '2026-W49']);
		expect(periodsOverlapping('month', isoWeekRange('2026-W53')).map((p) => p.key)).toEqual([
			'2026-12',
			'2027-01'
		]);
		expect(
			periodsOverlapping('month', { start: '2026-11-23', end: '2026-11-23' }).map((p) => p.key)
		).toEqual(['2026-11']);
		expect(periodsOverlapping('week', { start: '2026-11-30', end: '2026-11-01' })).toEqual([]);
	});

	it('[P6] overlapping periods cover the range exactly, back to back', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('week' as const, 'month' as const),
				dateArb({ min: '2000-01-01', max: '2040-12-31' }),
				fc.integer({ min: 0, max: 120 }),
				(kind, start, length) => {
					const end = addDays(start, length);
					const periods = periodsOverlapping(kind, { start, end });
					expect(isWithin(start, periods[0])).toBe(true);
					expect(isWithin(end, periods[periods.length - 1])).toBe(true);
					for (let i = 1; i < periods.length; i++) {
						expect(periods[i].start).toBe(addDays(periods[i - 1].end, 1));
					}
				}
			)
		);
	});
});

describe('decisions', () => {
	const older = decision({ id: 'old', validFrom: '2026-01-01', validTo: '2026-12-31' });
	const newer = decision({ id: 'new', validFrom: '2026-11-15', validTo: null });

	it('[P7] a decision covers its first and last day and nothing outside', () => {
		expect(decisionCovering([older], '2026-01-01')?.id).toBe('old');
		expect(decisionCovering([older], '2026-12-31')?.id).toBe('old');
		expect(decisionCovering([older], '2025-12-31')).toBeUndefined();
		expect(decisionCovering([older], '2027-01-01')).toBeUndefined();
		expect(decisionCovering([], '2026-06-01')).toBeUndefined();
	});

	it('[P7] an open-ended decision covers every later day', () => {
		expect(decisionCovering([newer], '2099-12-31')?.id).toBe('new');
		expect(decisionCovering([newer], '2026-11-14')).toBeUndefined();
	});

	it('[P7] when decisions overlap, the newest one governs', () => {
		expect(decisionCovering([older, newer], '2026-11-14')?.id).toBe('old');
		expect(decisionCovering([older, newer], '2026-11-15')?.id).toBe('new');
		expect(decisionCovering([newer, older], '2026-12-01')?.id).toBe('new');
		expect(decisionCovering([newer, older], '2027-02-01')?.id).toBe('new');
	});
});

describe('today', () => {
	it('[P8] today is the Swedish calendar day, not the UTC one', () => {
		// 23:30 UTC on 2026-11-22 is 00:30 on 2026-11-23 in Stockholm (CET, UTC+1).
		expect(todayIn('Europe/Stockholm', new Date('2026-11-22T23:30:00Z'))).toBe('2026-11-23');
		// 22:30 UTC on 2026-06-30 is 00:30 on 2026-07-01 in Stockholm (CEST, UTC+2).
		expect(todayIn('Europe/Stockholm', new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
		expect(todayIn('UTC', new Date('2026-06-30T22:30:00Z'))).toBe('2026-06-30');
		expect(isValidIsoDate(todayIn())).toBe(true);
	});
});
