import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	basePlanFrameHint,
	occasionKey,
	occasionsOfWeek,
	validatePattern,
	type BasePlanInput,
	type BasePlanPattern
} from './base-plan';
import { compareDates, isoWeekRange, isoWeekday } from './periods';
import { DAY_PARTS } from './types';

const GRANTED = ['cleaning', 'meals', 'shower'];

const input = (fields: Partial<BasePlanInput> = {}): BasePlanInput => ({
	weekdays: [2, 5],
	dayPart: 'morning',
	services: ['shower', 'cleaning'],
	minutes: 45,
	window: '',
	note: '',
	...fields
});

const pattern = (fields: Partial<BasePlanPattern> = {}): BasePlanPattern => ({
	id: 'p1',
	clientId: 'c1',
	weekdays: [2, 5],
	dayPart: 'morning',
	services: ['cleaning', 'shower'],
	minutes: 45,
	window: null,
	note: '',
	active: true,
	...fields
});

describe('validatePattern', () => {
	it('[B1] [B3] accepts a pattern and sorts its weekdays and services', () => {
		const result = validatePattern(input({ weekdays: [5, 2, 5] }), GRANTED);
		expect(result).toEqual({
			ok: true,
			value: {
				weekdays: [2, 5],
				dayPart: 'morning',
				services: ['cleaning', 'shower'],
				minutes: 45,
				window: null,
				note: ''
			}
		});
	});

	it('[B1] needs at least one weekday, each 1–7', () => {
		const none = validatePattern(input({ weekdays: [] }), GRANTED);
		expect(none.ok === false && none.errors.weekdays).toBe('no-weekdays');
		for (const bad of [0, 8, 1.5, '1', Number.NaN]) {
			const result = validatePattern(input({ weekdays: [1, bad] }), GRANTED);
			expect(result.ok === false && result.errors.weekdays).toBe('invalid-weekday');
		}
		expect(validatePattern(input({ weekdays: [1, 7] }), GRANTED).ok).toBe(true);
	});

	it('[B2] the day part is one of the four', () => {
		for (const dayPart of DAY_PARTS) {
			expect(validatePattern(input({ dayPart }), GRANTED).ok).toBe(true);
		}
		const result = validatePattern(input({ dayPart: 'night' }), GRANTED);
		expect(result.ok === false && result.errors.dayPart).toBe('invalid-day-part');
	});

	it('[B3] only services the decision in force grants, and at least one', () => {
		const notGranted = validatePattern(input({ services: ['shower', 'insulin', 'walk'] }), GRANTED);
		expect(notGranted).toMatchObject({
			ok: false,
			errors: { services: 'not-granted' },
			notGranted: ['insulin', 'walk']
		});
		const empty = validatePattern(input({ services: [] }), GRANTED);
		expect(empty.ok === false && empty.errors.services).toBe('no-services');
		const noDecision = validatePattern(input(), null);
		expect(noDecision.ok === false && noDecision.errors.services).toBe('no-decision');
	});

	it('[B4] the estimate is in 5-minute steps from 5 to 480', () => {
		for (const ok of [5, 45, 480])
			expect(validatePattern(input({ minutes: ok }), GRANTED).ok).toBe(true);
		for (const bad of [0, 3, 7.5, 485, -5, Number.NaN, '30']) {
			const result = validatePattern(input({ minutes: bad }), GRANTED);
			expect(result.ok === false && result.errors.minutes).toBe('invalid-minutes');
		}
	});

	it('[B5] window and note are trimmed, bounded, and an empty window is none', () => {
		const ok = validatePattern(input({ window: '  före 09:00 ', note: ' ring på ' }), GRANTED);
		expect(ok.ok && ok.value).toMatchObject({ window: 'före 09:00', note: 'ring på' });
		const long = validatePattern(input({ window: 'x'.repeat(61), note: 'y'.repeat(501) }), GRANTED);
		expect(long.ok === false && long.errors).toEqual({
			window: 'window-too-long',
			note: 'note-too-long'
		});
	});

	it('[B1] [B4] reports every broken field at once', () => {
		const result = validatePattern(input({ weekdays: [], minutes: 7 }), GRANTED);
		expect(result.ok === false && Object.keys(result.errors).sort()).toEqual([
			'minutes',
			'weekdays'
		]);
	});
});

describe('occasionsOfWeek', () => {
	it('[B6] gives one visit on each weekday of an active pattern', () => {
		const visits = occasionsOfWeek([pattern()], '2026-W49');
		expect(visits.map((v) => v.date)).toEqual(['2026-12-01', '2026-12-04']);
		expect(visits[0]).toEqual({
			patternId: 'p1',
			clientId: 'c1',
			date: '2026-12-01',
			dayPart: 'morning',
			services: ['cleaning', 'shower'],
			minutes: 45,
			window: null,
			note: ''
		});
	});

	it('[B6] a paused pattern gives nothing', () => {
		expect(occasionsOfWeek([pattern({ active: false })], '2026-W49')).toEqual([]);
	});

	it('[B6] days before `from` are left out', () => {
		const visits = occasionsOfWeek([pattern({ weekdays: [1, 3, 7] })], '2026-W49', '2026-12-02');
		expect(visits.map((v) => v.date)).toEqual(['2026-12-02', '2026-12-06']);
	});

	it('[B6] orders by date, day part, then the patterns’ order', () => {
		const visits = occasionsOfWeek(
			[
				pattern({ id: 'evening', dayPart: 'evening', weekdays: [1] }),
				pattern({ id: 'second', dayPart: 'morning', weekdays: [1, 2] }),
				pattern({ id: 'first', dayPart: 'morning', weekdays: [2] })
			],
			'2026-W49'
		);
		expect(visits.map((v) => `${v.date} ${v.patternId}`)).toEqual([
			'2026-11-30 second',
			'2026-11-30 evening',
			'2026-12-01 second',
			'2026-12-01 first'
		]);
	});

	it('[B6] every visit lands on one of its pattern’s weekdays, inside the week, once per weekday', () => {
		const weekArb = fc
			.tuple(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 52 }))
			.map(([year, week]) => `${year}-W${String(week).padStart(2, '0')}`);
		const patternArb = fc.record({
			weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
			dayPart: fc.constantFrom(...DAY_PARTS),
			active: fc.boolean()
		});
		fc.assert(
			fc.property(weekArb, fc.array(patternArb, { maxLength: 5 }), (week, specs) => {
				const patterns = specs.map((s, i) => pattern({ ...s, id: `p${i}` }));
				const range = isoWeekRange(week);
				const visits = occasionsOfWeek(patterns, week);
				for (const v of visits) {
					const p = patterns.find((x) => x.id === v.patternId)!;
					expect(p.active).toBe(true);
					expect(p.weekdays).toContain(isoWeekday(v.date));
					expect(compareDates(range.start, v.date)).toBeLessThanOrEqual(0);
					expect(compareDates(v.date, range.end)).toBeLessThanOrEqual(0);
				}
				for (const p of patterns) {
					const own = visits.filter((v) => v.patternId === p.id).map((v) => isoWeekday(v.date));
					expect(own.sort()).toEqual(p.active ? [...p.weekdays].sort() : []);
				}
			})
		);
	});
});

describe('occasionKey', () => {
	it('[B8] is the same for the same team, week, pattern and day, and differs otherwise', () => {
		const [a, b] = occasionsOfWeek([pattern()], '2026-W49');
		expect(occasionKey('t1', '2026-W49', a)).toBe(occasionKey('t1', '2026-W49', { ...a }));
		expect(occasionKey('t1', '2026-W49', a)).not.toBe(occasionKey('t1', '2026-W49', b));
		expect(occasionKey('t1', '2026-W49', a)).not.toBe(occasionKey('t2', '2026-W49', a));
	});
});

describe('basePlanFrameHint', () => {
	it('[B7] adds up a week of active patterns against a weekly frame', () => {
		const hint = basePlanFrameHint(
			[
				pattern({ weekdays: [2, 5], minutes: 45 }),
				pattern({ weekdays: [1, 3, 5], minutes: 35 }),
				pattern({ weekdays: [1], minutes: 60, active: false })
			],
			{ frameMinutes: 240, framePeriod: 'week' }
		);
		expect(hint).toEqual({
			weekMinutes: 195,
			periodMinutes: 195,
			framePeriod: 'week',
			frameMinutes: 240,
			over: false
		});
	});

	it('[B7] compares an average month with a monthly frame, and says when it is over', () => {
		const hint = basePlanFrameHint([pattern({ weekdays: [1, 4], minutes: 60 })], {
			frameMinutes: 480,
			framePeriod: 'month'
		});
		// 120 min a week × 52 / 12 = 520 min.
		expect(hint).toMatchObject({ weekMinutes: 120, periodMinutes: 520, over: true });
	});

	it('[B7] the frame used exactly is not over', () => {
		const hint = basePlanFrameHint([pattern({ weekdays: [1, 2, 3, 4], minutes: 60 })], {
			frameMinutes: 240,
			framePeriod: 'week'
		});
		expect(hint.over).toBe(false);
	});
});
