import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	checkDecisionDraft,
	checkEarlyEnd,
	overlapErrors,
	overlappingDecision,
	rangesOverlap,
	sameDecision,
	type DecisionDraft,
	type DecisionFields
} from './decisions';

const catalogue = new Set(['personal-care', 'meals', 'insulin', 'cleaning']);

const draft = (over: Partial<DecisionDraft> = {}): DecisionDraft => ({
	validFrom: '2026-01-01',
	validTo: '2026-12-31',
	frameMinutes: '600',
	framePeriod: 'month',
	services: ['meals', 'personal-care'],
	...over
});

const codes = (d: DecisionDraft) => {
	const result = checkDecisionDraft(d, catalogue);
	return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
};

describe('a decision draft', () => {
	it('[D1] [D2] [D3] [D5] accepts a complete decision and sorts its services', () => {
		expect(
			checkDecisionDraft(draft({ services: ['meals', 'cleaning', 'meals'] }), catalogue)
		).toEqual({
			ok: true,
			fields: {
				validFrom: '2026-01-01',
				validTo: '2026-12-31',
				frameMinutes: 600,
				framePeriod: 'month',
				services: ['cleaning', 'meals']
			}
		});
	});

	it('[D1] needs a real first day; the last day may be empty (open-ended) but not before the first', () => {
		expect(codes(draft({ validFrom: '' }))).toEqual(['validFrom:invalid-date']);
		expect(codes(draft({ validFrom: '2026-02-30' }))).toEqual(['validFrom:invalid-date']);
		expect(codes(draft({ validTo: '31/12/2026' }))).toEqual(['validTo:invalid-date']);
		expect(codes(draft({ validTo: '' }))).toEqual([]);
		expect(codes(draft({ validTo: '2026-01-01' }))).toEqual([]);
		expect(codes(draft({ validTo: '2025-12-31' }))).toEqual(['validTo:ends-before-start']);
	});

	it('[D2] needs a frame of whole minutes above zero in steps of 5, at most the period holds', () => {
		expect(codes(draft({ frameMinutes: '0' }))).toEqual(['frameMinutes:frame-not-positive']);
		expect(codes(draft({ frameMinutes: '-30' }))).toEqual(['frameMinutes:frame-not-positive']);
		expect(codes(draft({ frameMinutes: '12.5' }))).toEqual(['frameMinutes:frame-not-whole']);
		expect(codes(draft({ frameMinutes: 'tio' }))).toEqual(['frameMinutes:frame-not-whole']);
		expect(codes(draft({ frameMinutes: '' }))).toEqual(['frameMinutes:frame-not-whole']);
		expect(codes(draft({ frameMinutes: '62' }))).toEqual(['frameMinutes:frame-not-step']);
		expect(codes(draft({ frameMinutes: '5' }))).toEqual([]);
		expect(codes(draft({ frameMinutes: '10080', framePeriod: 'week' }))).toEqual([]);
		expect(codes(draft({ frameMinutes: '10085', framePeriod: 'week' }))).toEqual([
			'frameMinutes:frame-too-large'
		]);
		expect(codes(draft({ frameMinutes: '44640', framePeriod: 'month' }))).toEqual([]);
	});

	it('[D3] needs at least one service, each from the catalogue, naming every unknown one', () => {
		expect(codes(draft({ services: [] }))).toEqual(['services:no-services']);
		expect(codes(draft({ services: [' ', ''] }))).toEqual(['services:no-services']);
		const result = checkDecisionDraft(
			draft({ services: ['meals', 'juggling', 'flying'] }),
			catalogue
		);
		expect(result.ok ? [] : result.errors.map((e) => e.service)).toEqual(['flying', 'juggling']);
	});

	it('[D5] needs the period week or month', () => {
		expect(codes(draft({ framePeriod: 'week' }))).toEqual([]);
		expect(codes(draft({ framePeriod: 'vecka' }))).toEqual(['framePeriod:invalid-period']);
		expect(codes(draft({ framePeriod: '' }))).toEqual(['framePeriod:invalid-period']);
	});

	it('[D1] [D2] [D3] [D5] reports every field at once', () => {
		expect(
			codes({ validFrom: 'x', validTo: 'y', frameMinutes: 'z', framePeriod: 'w', services: [] })
		).toEqual([
			'validFrom:invalid-date',
			'validTo:invalid-date',
			'framePeriod:invalid-period',
			'frameMinutes:frame-not-whole',
			'services:no-services'
		]);
	});

	it('[D1] [D2] [D3] [D5] never throws, whatever arrives from a form', () => {
		fc.assert(
			fc.property(
				fc.record({
					validFrom: fc.string(),
					validTo: fc.string(),
					frameMinutes: fc.string(),
					framePeriod: fc.string(),
					services: fc.array(fc.string())
				}),
				(d) => {
					const result = checkDecisionDraft(d, catalogue);
					if (result.ok) {
						expect(result.fields.frameMinutes % 5).toBe(0);
						expect(result.fields.services.length).toBeGreaterThan(0);
					} else expect(result.errors.length).toBeGreaterThan(0);
				}
			)
		);
	});
});

describe('overlapping versions', () => {
	const d = (id: string, validFrom: string, validTo: string | null) => ({ id, validFrom, validTo });

	it('[D4] two validities overlap when they share a day, open ends reaching forever', () => {
		expect(rangesOverlap(d('a', '2026-01-01', '2026-06-30'), d('b', '2026-06-30', null))).toBe(
			true
		);
		expect(rangesOverlap(d('a', '2026-01-01', '2026-06-29'), d('b', '2026-06-30', null))).toBe(
			false
		);
		expect(rangesOverlap(d('a', '2026-01-01', null), d('b', '2030-01-01', null))).toBe(true);
		expect(rangesOverlap(d('a', '2026-07-01', null), d('b', '2026-01-01', '2026-06-30'))).toBe(
			false
		);
	});

	it('[D4] a change is compared with the other versions, not the one it replaces', () => {
		const inForce = [d('old', '2026-01-01', '2026-06-30'), d('next', '2026-07-01', null)];
		const change = { validFrom: '2026-01-01', validTo: '2026-07-15' };
		expect(overlappingDecision(change, inForce, 'old')?.id).toBe('next');
		expect(
			overlappingDecision({ validFrom: '2026-01-01', validTo: null }, inForce, 'next')?.id
		).toBe('old');
		expect(
			overlappingDecision({ ...change, validTo: '2026-06-01' }, inForce, 'old')
		).toBeUndefined();
		expect(overlapErrors(change, inForce, 'old')).toEqual([
			{ field: 'validFrom', code: 'overlap', other: { validFrom: '2026-07-01', validTo: null } }
		]);
	});

	it('[D4] overlap is symmetric', () => {
		const date = fc
			.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
			.map((x) => x.toISOString().slice(0, 10));
		const range = fc
			.tuple(date, fc.option(date))
			.map(([a, b]) => ({ validFrom: b && b < a ? b : a, validTo: b && b < a ? a : b }));
		fc.assert(
			fc.property(range, range, (a, b) => {
				expect(rangesOverlap(a, b)).toBe(rangesOverlap(b, a));
			})
		);
	});
});

describe('ending early', () => {
	const current: DecisionFields = {
		validFrom: '2026-01-01',
		validTo: '2026-12-31',
		frameMinutes: 300,
		framePeriod: 'week',
		services: ['meals']
	};

	it('[D6] a new last day between the first day and the current last day', () => {
		expect(checkEarlyEnd(current, '2026-05-31')).toEqual({
			ok: true,
			fields: { ...current, validTo: '2026-05-31' }
		});
		expect(checkEarlyEnd(current, '2026-01-01').ok).toBe(true);
		expect(checkEarlyEnd({ ...current, validTo: null }, '2040-01-01').ok).toBe(true);
	});

	it('[D6] refuses a day that is not earlier, before the start, or not a date', () => {
		const code = (r: ReturnType<typeof checkEarlyEnd>) => (r.ok ? null : r.errors[0].code);
		expect(code(checkEarlyEnd(current, '2026-12-31'))).toBe('end-not-earlier');
		expect(code(checkEarlyEnd(current, '2027-01-31'))).toBe('end-not-earlier');
		expect(code(checkEarlyEnd(current, '2025-12-31'))).toBe('ends-before-start');
		expect(code(checkEarlyEnd(current, ''))).toBe('invalid-date');
	});
});

describe('the same decision', () => {
	it('[D7] compares every field, services as a set', () => {
		const a: DecisionFields = {
			validFrom: '2026-01-01',
			validTo: null,
			frameMinutes: 300,
			framePeriod: 'week',
			services: ['meals', 'cleaning']
		};
		expect(sameDecision(a, { ...a, services: ['cleaning', 'meals'] })).toBe(true);
		expect(sameDecision(a, { ...a, frameMinutes: 305 })).toBe(false);
		expect(sameDecision(a, { ...a, validTo: '2026-12-31' })).toBe(false);
		expect(sameDecision(a, { ...a, framePeriod: 'month' })).toBe(false);
		expect(sameDecision(a, { ...a, services: ['meals'] })).toBe(false);
	});
});
