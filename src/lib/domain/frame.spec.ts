import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_ID, MONDAY, timeEntry, visit } from '../../../tests/fixtures/domain';
import {
	effectiveMinutes,
	effectiveTimeEntries,
	frameFigures,
	frameUsageOf,
	holdsEstimate,
	timeOverdrawsFrame,
	timeRecordableOn
} from './frame';
import { addDays, isoWeekRange, monthRange } from './periods';
import type { TimeEntry } from './types';

describe('frame figures', () => {
	it('[F1] shows granted, used, planned and left', () => {
		expect(frameFigures({ frameMinutes: 1200, usedMinutes: 840, plannedMinutes: 330 })).toEqual({
			frameMinutes: 1200,
			usedMinutes: 840,
			plannedMinutes: 330,
			toleranceMinutes: 0,
			leftMinutes: 30,
			overMinutes: 0,
			overdrawn: false,
			level: 'low'
		});
	});

	it('[F1] colours a frame ok, low at 20 % left and out when nothing is left', () => {
		const level = (used: number) =>
			frameFigures({ frameMinutes: 600, usedMinutes: used, plannedMinutes: 0 }).level;
		expect(level(0)).toBe('ok');
		expect(level(479)).toBe('ok');
		expect(level(480)).toBe('low');
		expect(level(595)).toBe('low');
		expect(level(600)).toBe('out');
		expect(level(700)).toBe('out');
		expect(frameFigures({ frameMinutes: 0, usedMinutes: 0, plannedMinutes: 0 }).level).toBe('out');
	});

	it('[F1] an overdrawn frame shows nothing left and by how much it is over', () => {
		const figures = frameFigures({ frameMinutes: 600, usedMinutes: 650, plannedMinutes: 30 });
		expect(figures).toMatchObject({
			leftMinutes: 0,
			overMinutes: 80,
			overdrawn: true,
			level: 'out'
		});
	});

	it('[F1] the tolerance is room a plan may still use', () => {
		const figures = frameFigures({
			frameMinutes: 600,
			usedMinutes: 600,
			plannedMinutes: 0,
			toleranceMinutes: 30
		});
		expect(figures).toMatchObject({ leftMinutes: 30, overdrawn: false, level: 'low' });
		expect(
			frameFigures({ frameMinutes: 600, usedMinutes: 631, plannedMinutes: 0, toleranceMinutes: 30 })
		).toMatchObject({ leftMinutes: 0, overMinutes: 1, overdrawn: true });
	});

	it('[F1] left and over always balance the frame', () => {
		fc.assert(
			fc.property(
				fc.nat(5000),
				fc.nat(5000),
				fc.nat(5000),
				fc.nat(60),
				(frameMinutes, usedMinutes, plannedMinutes, toleranceMinutes) => {
					const f = frameFigures({ frameMinutes, usedMinutes, plannedMinutes, toleranceMinutes });
					expect(f.leftMinutes).toBeGreaterThanOrEqual(0);
					expect(f.overMinutes).toBeGreaterThanOrEqual(0);
					expect(f.leftMinutes === 0 || f.overMinutes === 0).toBe(true);
					expect(usedMinutes + plannedMinutes + f.leftMinutes - f.overMinutes).toBe(
						frameMinutes + toleranceMinutes
					);
					expect(f.overdrawn).toBe(f.overMinutes > 0);
					expect(f.level === 'out').toBe(f.leftMinutes === 0);
				}
			)
		);
	});

	it('[F2] recorded time beyond the frame is flagged, up to the frame it is not', () => {
		expect(timeOverdrawsFrame({ frameMinutes: 600, usedMinutes: 570, addedMinutes: 30 })).toBe(
			false
		);
		expect(timeOverdrawsFrame({ frameMinutes: 600, usedMinutes: 570, addedMinutes: 35 })).toBe(
			true
		);
		expect(
			timeOverdrawsFrame({
				frameMinutes: 600,
				usedMinutes: 570,
				addedMinutes: 35,
				toleranceMinutes: 5
			})
		).toBe(false);
		// A correction that lowers the time never flags, even in an overdrawn period.
		expect(timeOverdrawsFrame({ frameMinutes: 600, usedMinutes: 700, addedMinutes: -10 })).toBe(
			false
		);
	});
});

describe('time entry corrections', () => {
	it('[T1] an entry without corrections counts as recorded', () => {
		const entries = [timeEntry({ id: 'a', minutes: 30 }), timeEntry({ id: 'b', minutes: 45 })];
		expect(effectiveTimeEntries(entries).map((e) => e.id)).toEqual(['a', 'b']);
		expect(effectiveMinutes(entries)).toBe(75);
	});

	it('[T1] a correction replaces the entry it corrects', () => {
		const entries = [
			timeEntry({ id: 'a', minutes: 30 }),
			timeEntry({ id: 'b', minutes: 45, correctsId: 'a' })
		];
		expect(effectiveTimeEntries(entries).map((e) => e.id)).toEqual(['b']);
		expect(effectiveMinutes(entries)).toBe(45);
	});

	it('[T1] a chain of corrections counts only its latest entry', () => {
		const entries = [
			timeEntry({ id: 'a', minutes: 30 }),
			timeEntry({ id: 'b', minutes: 45, correctsId: 'a' }),
			timeEntry({ id: 'other', minutes: 20 }),
			timeEntry({ id: 'c', minutes: 40, correctsId: 'b' })
		];
		expect(effectiveTimeEntries(entries).map((e) => e.id)).toEqual(['other', 'c']);
		expect(effectiveMinutes(entries)).toBe(60);
	});

	it('[T1] a correction of 0 minutes withdraws the entry', () => {
		const entries = [
			timeEntry({ id: 'a', minutes: 30 }),
			timeEntry({ id: 'b', minutes: 0, correctsId: 'a' })
		];
		expect(effectiveTimeEntries(entries)).toEqual([]);
		// …and a later correction can bring it back.
		entries.push(timeEntry({ id: 'c', minutes: 25, correctsId: 'b' }));
		expect(effectiveMinutes(entries)).toBe(25);
	});

	it('[T1] the order of the rows does not change which entry counts in a chain', () => {
		const entries = [
			timeEntry({ id: 'c', minutes: 40, correctsId: 'b' }),
			timeEntry({ id: 'a', minutes: 30 }),
			timeEntry({ id: 'b', minutes: 45, correctsId: 'a' })
		];
		expect(effectiveTimeEntries(entries).map((e) => e.id)).toEqual(['c']);
	});

	it('[T1] two corrections of the same entry: the later one counts, never both', () => {
		const entries = [
			timeEntry({ id: 'a', minutes: 30 }),
			timeEntry({ id: 'b', minutes: 45, correctsId: 'a' }),
			timeEntry({ id: 'c', minutes: 50, correctsId: 'a' })
		];
		expect(effectiveTimeEntries(entries).map((e) => e.id)).toEqual(['c']);
	});

	it('[T1] a row listed twice counts once', () => {
		const a = timeEntry({ id: 'a', minutes: 30 });
		expect(effectiveMinutes([a, a])).toBe(30);
	});

	it('[T1] a correction whose target is not in the list still counts', () => {
		const entries = [timeEntry({ id: 'b', minutes: 45, correctsId: 'gone' })];
		expect(effectiveMinutes(entries)).toBe(45);
	});

	it('[T1] effective entries never include a superseded row nor two rows of one chain', () => {
		// Random forests of corrections: each entry may correct any earlier one.
		const forest = fc
			.array(fc.record({ target: fc.option(fc.nat(), { nil: null }), minutes: fc.nat(24) }), {
				maxLength: 30
			})
			.map((specs) =>
				specs.map((spec, i) =>
					timeEntry({
						id: `e${i}`,
						minutes: spec.minutes * 5,
						correctsId: spec.target === null || i === 0 ? null : `e${spec.target % i}`
					})
				)
			);
		fc.assert(
			fc.property(forest, (entries) => {
				const effective = effectiveTimeEntries(entries);
				const superseded = new Set(entries.map((e) => e.correctsId));
				const rootOf = (e: TimeEntry): string => {
					let current = e;
					while (current.correctsId !== null) {
						current = entries.find((x) => x.id === current.correctsId) as TimeEntry;
					}
					return current.id;
				};
				const roots = effective.map(rootOf);
				expect(new Set(roots).size).toBe(roots.length);
				for (const e of effective) {
					expect(superseded.has(e.id)).toBe(false);
					expect(e.minutes).toBeGreaterThan(0);
				}
				// Every chain whose latest entry has minutes is counted.
				const chains = new Set(entries.map(rootOf));
				const counted = [...chains].filter((root) => {
					const members = entries.filter((e) => rootOf(e) === root);
					const tips = members.filter((m) => !superseded.has(m.id));
					return tips[tips.length - 1].minutes > 0;
				});
				expect(roots.sort()).toEqual(counted.sort());
			})
		);
	});
});

describe('frame usage', () => {
	it('[F4] a visit holds its estimate while planned, and while done until time is recorded', () => {
		expect(holdsEstimate({ status: 'planned' }, false)).toBe(true);
		expect(holdsEstimate({ status: 'planned' }, true)).toBe(true);
		expect(holdsEstimate({ status: 'done' }, false)).toBe(true);
		expect(holdsEstimate({ status: 'done' }, true)).toBe(false);
		for (const status of ['declined', 'cancelled'] as const) {
			expect(holdsEstimate({ status }, false)).toBe(false);
			expect(holdsEstimate({ status }, true)).toBe(false);
		}
	});

	it('[T2] time is recorded afterwards: today and earlier, never a later day', () => {
		expect(timeRecordableOn('2026-11-23', '2026-11-23')).toBe(true);
		expect(timeRecordableOn('2026-11-22', '2026-11-23')).toBe(true);
		expect(timeRecordableOn('2026-11-24', '2026-11-23')).toBe(false);
		expect(timeRecordableOn('2027-01-01', '2026-12-31')).toBe(false);
	});

	it('[F3] counts effective time in the period and other planned visits', () => {
		const week = isoWeekRange('2026-W48');
		const usage = frameUsageOf({
			clientId: CLIENT_ID,
			period: week,
			timeEntries: [
				timeEntry({ id: 'a', date: MONDAY, minutes: 30 }),
				timeEntry({ id: 'b', date: MONDAY, minutes: 45, correctsId: 'a' }),
				timeEntry({ id: 'before', date: addDays(MONDAY, -1), minutes: 60 }),
				timeEntry({ id: 'other-client', clientId: 'client-2', minutes: 60 }),
				timeEntry({ id: 'report', date: MONDAY, minutes: 40, visitId: 'done' })
			],
			visits: [
				visit({ id: 'v1', minutes: 30 }),
				visit({ id: 'v2', minutes: 20, date: addDays(MONDAY, 6) }),
				visit({ id: 'checked', minutes: 60 }),
				visit({ id: 'done', minutes: 60, status: 'done' }),
				visit({ id: 'done-unreported', minutes: 15, status: 'done' }),
				visit({ id: 'cancelled', minutes: 60, status: 'cancelled' }),
				visit({ id: 'next-week', minutes: 60, date: addDays(MONDAY, 7) })
			],
			excludeVisitId: 'checked'
		});
		// 30 + 20 planned, and 15 of the done visit nobody has reported yet (F4).
		expect(usage).toEqual({ usedMinutes: 85, otherPlannedMinutes: 65 });
	});

	it('[F3] a correction that moves an entry to another day moves its minutes', () => {
		const entries = [
			timeEntry({ id: 'a', date: '2026-11-30', minutes: 30 }),
			timeEntry({ id: 'b', date: '2026-12-01', minutes: 30, correctsId: 'a' })
		];
		const usage = (key: string) =>
			frameUsageOf({
				clientId: CLIENT_ID,
				period: monthRange(key),
				timeEntries: entries,
				visits: []
			}).usedMinutes;
		expect(usage('2026-11')).toBe(0);
		expect(usage('2026-12')).toBe(30);
	});
});
