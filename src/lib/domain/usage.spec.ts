import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, framePeriodOf, isoWeekday, isoWeekRange, monthRange } from './periods';
import {
	flagRank,
	mergeFlags,
	periodClock,
	periodUsage,
	shiftPeriod,
	USAGE_FLAGS,
	type PeriodUsageInput
} from './usage';

/** A 30-day month (November 2026) with a 20-hour frame, asked on `today`. */
const month = (over: Partial<PeriodUsageInput> = {}): PeriodUsageInput => ({
	frameMinutes: 1200,
	usedMinutes: 0,
	plannedMinutes: 0,
	declinedVisits: 0,
	declinedServices: 0,
	firstDay: '2026-11-01',
	lastDay: '2026-11-30',
	today: '2026-11-16',
	...over
});

describe('frame usage follow-up', () => {
	it('[U1] left is frame − used − planned, negative when overdrawn', () => {
		expect(periodUsage(month({ usedMinutes: 600, plannedMinutes: 300 })).leftMinutes).toBe(300);
		expect(periodUsage(month({ usedMinutes: 1000, plannedMinutes: 300 })).leftMinutes).toBe(-100);
	});

	it('[U2] counts the days before today, never below 0 or beyond the period', () => {
		expect(periodUsage(month({ today: '2026-11-01' })).elapsedDays).toBe(0);
		expect(periodUsage(month({ today: '2026-11-16' })).elapsedDays).toBe(15);
		expect(periodUsage(month({ today: '2026-10-20' })).elapsedDays).toBe(0);
		expect(periodUsage(month({ today: '2026-11-30' })).elapsedDays).toBe(29);
		expect(periodUsage(month({ today: '2026-12-01' })).elapsedDays).toBe(30);
		expect(periodUsage(month({ today: '2027-03-01' })).elapsedDays).toBe(30);
		expect(periodUsage(month()).periodDays).toBe(30);
	});

	it('[U2] a clock reckoned once for many clients gives the same figures as each alone', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -40, max: 70 }),
				fc.nat(3000),
				fc.nat(3000),
				(offset, used, planned) => {
					const input = month({
						today: addDays('2026-11-01', offset),
						usedMinutes: used,
						plannedMinutes: planned
					});
					const clock = periodClock(input.firstDay, input.lastDay, input.today);
					expect(periodUsage({ ...input, clock })).toEqual(periodUsage(input));
				}
			)
		);
	});

	it('[U3] a finished period ends at its used minutes, one not begun at used + planned', () => {
		expect(
			periodUsage(month({ today: '2026-12-05', usedMinutes: 900, plannedMinutes: 60 }))
				.projectedMinutes
		).toBe(900);
		expect(
			periodUsage(month({ today: '2026-11-01', usedMinutes: 0, plannedMinutes: 240 }))
				.projectedMinutes
		).toBe(240);
	});

	it('[U3] a period under way heads for the recorded pace, never below used + planned', () => {
		// 15 of 30 days passed with 500 minutes: 1,000 at that pace.
		expect(periodUsage(month({ usedMinutes: 500 })).projectedMinutes).toBe(1000);
		// The team has planned more than the pace says: the plan is the forecast.
		expect(periodUsage(month({ usedMinutes: 500, plannedMinutes: 700 })).projectedMinutes).toBe(
			1200
		);
	});

	it('[U4] overdraft once used + planned exceeds the frame by a minute, within tolerance not', () => {
		expect(periodUsage(month({ usedMinutes: 600, plannedMinutes: 600 })).flags).not.toContain(
			'overdraft'
		);
		expect(periodUsage(month({ usedMinutes: 600, plannedMinutes: 605 })).flags).toContain(
			'overdraft'
		);
		expect(
			periodUsage(month({ usedMinutes: 600, plannedMinutes: 605, toleranceMinutes: 5 })).flags
		).not.toContain('overdraft');
	});

	it('[U5] running hot when the pace alone ends more than 15 % above the frame', () => {
		// 15 of 30 days: a pace above 1,380 needs more than 690 minutes used.
		expect(periodUsage(month({ usedMinutes: 690 })).flags).not.toContain('running-hot');
		expect(periodUsage(month({ usedMinutes: 695 })).flags).toContain('running-hot');
	});

	it('[U5] no pace is read in the first quarter of a period, nor once it is over', () => {
		// 7 of 30 days is under a quarter: a heavy start alone is not "running hot".
		expect(periodUsage(month({ today: '2026-11-08', usedMinutes: 600 })).flags).not.toContain(
			'running-hot'
		);
		expect(periodUsage(month({ today: '2026-11-09', usedMinutes: 600 })).flags).toContain(
			'running-hot'
		);
		expect(periodUsage(month({ today: '2026-12-01', usedMinutes: 1190 })).flags).toEqual([]);
	});

	it('[U5] a week is read once two of its days have passed', () => {
		const week = {
			firstDay: '2026-11-30',
			lastDay: '2026-12-06',
			frameMinutes: 420
		} as const;
		expect(periodUsage(month({ ...week, today: '2026-12-01', usedMinutes: 150 })).flags).toEqual(
			[]
		);
		// Two days, 150 minutes: 525 at that pace, above 483 (420 + 15 %).
		expect(periodUsage(month({ ...week, today: '2026-12-02', usedMinutes: 150 })).flags).toEqual([
			'running-hot'
		]);
	});

	it('[U6] low use once half the period has passed and it heads below half the frame', () => {
		// 15 of 30 days, 290 minutes used: heading for 580 of 1,200.
		expect(periodUsage(month({ usedMinutes: 290 })).flags).toEqual(['low-use']);
		expect(periodUsage(month({ usedMinutes: 300 })).flags).toEqual([]);
		// Before half the period has passed, nothing is read.
		expect(periodUsage(month({ today: '2026-11-15', usedMinutes: 0 })).flags).toEqual([]);
		// Planned visits that bring it to half are the team's answer: not low.
		expect(periodUsage(month({ usedMinutes: 200, plannedMinutes: 400 })).flags).toEqual([]);
	});

	it('[U6] a finished period is low when it ended below half the frame; a 0 frame never', () => {
		expect(periodUsage(month({ today: '2026-12-01', usedMinutes: 595 })).flags).toEqual([
			'low-use'
		]);
		expect(periodUsage(month({ today: '2026-12-01', usedMinutes: 600 })).flags).toEqual([]);
		expect(periodUsage(month({ today: '2026-12-01', frameMinutes: 0 })).flags).toEqual([]);
	});

	it('[U7] many declined at three declined visits and services together', () => {
		const flags = (declinedVisits: number, declinedServices: number) =>
			periodUsage(month({ usedMinutes: 600, declinedVisits, declinedServices })).flags;
		expect(flags(1, 1)).toEqual([]);
		expect(flags(1, 2)).toEqual(['many-declined']);
		expect(flags(3, 0)).toEqual(['many-declined']);
	});

	it('[U4–U7] flags come in the order of USAGE_FLAGS and each at most once', () => {
		const input = fc.record({
			frameMinutes: fc.integer({ min: 0, max: 6000 }),
			usedMinutes: fc.integer({ min: 0, max: 8000 }),
			plannedMinutes: fc.integer({ min: 0, max: 8000 }),
			declinedVisits: fc.nat(6),
			declinedServices: fc.nat(6),
			offset: fc.integer({ min: -10, max: 45 })
		});
		fc.assert(
			fc.property(input, ({ offset, ...figures }) => {
				const usage = periodUsage(month({ ...figures, today: addDays('2026-11-01', offset) }));
				const ranks = usage.flags.map((f) => USAGE_FLAGS.indexOf(f));
				expect(ranks).toEqual([...new Set(ranks)].sort((a, b) => a - b));
				expect(usage.leftMinutes).toBe(
					figures.frameMinutes - figures.usedMinutes - figures.plannedMinutes
				);
				// Overdraft and low use exclude each other; the projection never undercuts the record.
				expect(usage.flags.includes('overdraft') && usage.flags.includes('low-use')).toBe(false);
				expect(usage.projectedMinutes).toBeGreaterThanOrEqual(figures.usedMinutes);
			})
		);
	});

	it('[U4–U7] merging keeps each flag once, most pressing first; flagless rows sort last', () => {
		expect(mergeFlags([['many-declined'], ['overdraft', 'many-declined'], []])).toEqual([
			'overdraft',
			'many-declined'
		]);
		expect(flagRank(['overdraft'])).toBeLessThan(flagRank(['low-use']));
		expect(flagRank([])).toBe(USAGE_FLAGS.length);
	});
});

describe('stepping periods', () => {
	it('[U9] weeks step across New Year as the ISO calendar says', () => {
		expect(shiftPeriod(isoWeekRange('2026-W52'), 1).key).toBe('2026-W53');
		expect(shiftPeriod(isoWeekRange('2026-W53'), 1).key).toBe('2027-W01');
		expect(shiftPeriod(isoWeekRange('2027-W01'), -1).key).toBe('2026-W53');
	});

	it('[U9] months step across years, and back again to where they started', () => {
		expect(shiftPeriod(monthRange('2026-12'), 1)).toEqual(monthRange('2027-01'));
		expect(shiftPeriod(monthRange('2027-01'), -13).key).toBe('2025-12');
		fc.assert(
			fc.property(
				fc.integer({ min: 2001, max: 2090 }),
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: -60, max: 60 }),
				(year, month, steps) => {
					const start = monthRange(`${year}-${String(month).padStart(2, '0')}`);
					const there = shiftPeriod(start, steps);
					expect(there.kind).toBe('month');
					expect(shiftPeriod(there, -steps)).toEqual(start);
				}
			)
		);
	});

	it('[U9] a week stepped there and back is the same week, always a Monday to Sunday', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 20000 }),
				fc.integer({ min: -120, max: 120 }),
				(day, steps) => {
					const week = framePeriodOf('week', addDays('2001-01-01', day));
					const there = shiftPeriod(week, steps);
					expect(isoWeekday(there.start)).toBe(1);
					expect(shiftPeriod(there, -steps)).toEqual(week);
				}
			)
		);
	});
});
