import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateArb } from '../../../tests/fixtures/domain';
import {
	checkEarlyEnd,
	checkGrant,
	delegationsEndingWithin,
	isRenewed,
	loanDays as loanDaysFrom,
	loanRuns,
	maxDelegationEnd,
	renewal,
	type HeldGrant
} from './competences';
import { addDays, compareDates, daysBetween } from './periods';

const delegation = (
	validFrom: string,
	validTo: string | null,
	issuedBy: string | null = 'Eva'
) => ({
	validFrom,
	validTo,
	issuedBy,
	isDelegation: true
});

const held = (
	id: string,
	validFrom: string,
	validTo: string | null,
	competenceCode = 'insulin-delegation'
): HeldGrant => ({ id, competenceCode, validFrom, validTo, issuedBy: 'Eva' });

/** True when some 29 February lies in (after, upTo]. */
function leapDayIn(after: string, upTo: string): boolean {
	for (let year = Number(after.slice(0, 4)); year <= Number(upTo.slice(0, 4)); year++) {
		const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
		const day = `${year}-02-29`;
		if (leap && compareDates(day, after) > 0 && compareDates(day, upTo) <= 0) return true;
	}
	return false;
}

describe('valid from–to', () => {
	it('[K1] accepts an open end and a one-day competence, refuses an end before the start', () => {
		const grant = { issuedBy: null, isDelegation: false };
		expect(checkGrant({ ...grant, validFrom: '2026-01-10', validTo: null })).toEqual([]);
		expect(checkGrant({ ...grant, validFrom: '2026-01-10', validTo: '2026-01-10' })).toEqual([]);
		expect(checkGrant({ ...grant, validFrom: '2026-01-10', validTo: '2026-01-09' })).toEqual([
			'valid-to-before-valid-from'
		]);
	});

	it('[K1] refuses dates that are not calendar days', () => {
		const grant = { issuedBy: null, isDelegation: false };
		expect(checkGrant({ ...grant, validFrom: '2026-02-29', validTo: null })).toEqual([
			'invalid-valid-from'
		]);
		expect(checkGrant({ ...grant, validFrom: '2026-02-01', validTo: 'i morgon' })).toEqual([
			'invalid-valid-to'
		]);
	});
});

describe('delegations', () => {
	it('[K2] needs the issuing nurse and an end', () => {
		expect(checkGrant(delegation('2026-01-10', '2026-06-30', '  '))).toEqual([
			'delegation-needs-issuer'
		]);
		expect(checkGrant(delegation('2026-01-10', null))).toEqual(['delegation-needs-end']);
		expect(checkGrant(delegation('2026-01-10', '2026-06-30', 'x'.repeat(121)))).toEqual([
			'issuer-too-long'
		]);
		expect(checkGrant({ ...delegation('2026-01-10', null, null), isDelegation: false })).toEqual(
			[]
		);
	});

	it('[K2] lasts at most until the day before the same date next year', () => {
		expect(maxDelegationEnd('2026-03-15')).toBe('2027-03-14');
		expect(maxDelegationEnd('2026-01-01')).toBe('2026-12-31');
		expect(checkGrant(delegation('2026-03-15', '2027-03-14'))).toEqual([]);
		expect(checkGrant(delegation('2026-03-15', '2027-03-15'))).toEqual([
			'delegation-longer-than-a-year'
		]);
	});

	it('[K2] counts leap years: from 29 February the last day is 27 February', () => {
		expect(maxDelegationEnd('2024-02-29')).toBe('2025-02-27');
		expect(maxDelegationEnd('2024-02-28')).toBe('2025-02-27');
		expect(maxDelegationEnd('2023-03-01')).toBe('2024-02-29');
		expect(maxDelegationEnd('2027-03-01')).toBe('2028-02-29');
		expect(maxDelegationEnd('2099-03-01')).toBe('2100-02-28');
		expect(checkGrant(delegation('2024-02-29', '2025-02-28'))).toEqual([
			'delegation-longer-than-a-year'
		]);
	});

	it('[K2] a delegation spans 365 or 366 days, 366 exactly when a leap day falls inside', () => {
		fc.assert(
			fc.property(dateArb({ min: '1901-01-01', max: '2399-12-31' }), (from) => {
				const last = maxDelegationEnd(from);
				const days = daysBetween(from, last) + 1;
				expect(days).toBe(leapDayIn(from, last) ? 366 : 365);
				// The day after the last day is the anniversary (28 February for a leap day).
				const anniversary = addDays(last, 1);
				expect(Number(anniversary.slice(0, 4))).toBe(Number(from.slice(0, 4)) + 1);
				expect(anniversary.slice(5)).toBe(from.slice(5) === '02-29' ? '02-28' : from.slice(5));
			})
		);
	});

	it('[K2] the last allowed day is accepted and the day after it refused, for every start', () => {
		fc.assert(
			fc.property(
				dateArb({ min: '1901-01-01', max: '2399-12-31' }),
				fc.integer({ min: 0, max: 400 }),
				(from, length) => {
					const to = addDays(from, length);
					const ok = compareDates(to, maxDelegationEnd(from)) <= 0;
					expect(checkGrant(delegation(from, to))).toEqual(
						ok ? [] : ['delegation-longer-than-a-year']
					);
					expect(checkGrant(delegation(from, maxDelegationEnd(from)))).toEqual([]);
					expect(checkGrant(delegation(from, addDays(maxDelegationEnd(from), 1)))).toEqual([
						'delegation-longer-than-a-year'
					]);
				}
			)
		);
	});
});

describe('renewal', () => {
	it('[K3] continues from the day after the old end, within a year of its own start', () => {
		const old = held('a', '2025-06-01', '2026-05-31');
		const result = renewal(old, [old], {
			validTo: '2027-05-31',
			issuedBy: 'Eva',
			isDelegation: true
		});
		expect(result).toEqual({
			ok: true,
			grant: {
				validFrom: '2026-06-01',
				validTo: '2027-05-31',
				issuedBy: 'Eva',
				isDelegation: true
			}
		});
		expect(
			renewal(old, [old], { validTo: '2027-06-01', issuedBy: 'Eva', isDelegation: true })
		).toEqual({ ok: false, errors: ['delegation-longer-than-a-year'] });
		expect(
			renewal(old, [old], { validTo: '2027-01-01', issuedBy: '', isDelegation: true })
		).toEqual({ ok: false, errors: ['delegation-needs-issuer'] });
	});

	it('[K3] refuses an open-ended competence and one already renewed', () => {
		const open = held('o', '2020-01-01', null, 'care-training');
		expect(renewal(open, [open], { validTo: null, issuedBy: null, isDelegation: false })).toEqual({
			ok: false,
			errors: ['not-renewable-open-ended']
		});
		const old = held('a', '2025-06-01', '2026-05-31');
		const next = held('b', '2026-06-01', '2027-05-31');
		expect(isRenewed(old, [old, next])).toBe(true);
		expect(isRenewed(next, [old, next])).toBe(false);
		expect(
			renewal(old, [old, next], { validTo: '2027-05-31', issuedBy: 'Eva', isDelegation: true })
		).toEqual({ ok: false, errors: ['already-renewed'] });
		// A row of another competence, or one that ends no later, does not renew it.
		expect(isRenewed(old, [old, held('c', '2026-06-01', '2027-01-01', 'medication')])).toBe(false);
		expect(isRenewed(old, [old, held('d', '2026-01-01', '2026-05-31')])).toBe(false);
	});
});

describe('ending early', () => {
	it('[K4] moves the end earlier, never before the start and never later', () => {
		const row = held('a', '2026-01-10', '2026-12-31');
		expect(checkEarlyEnd(row, '2026-01-10')).toEqual([]);
		expect(checkEarlyEnd(row, '2026-12-30')).toEqual([]);
		expect(checkEarlyEnd(row, '2026-12-31')).toEqual(['end-not-earlier']);
		expect(checkEarlyEnd(row, '2027-01-05')).toEqual(['end-not-earlier']);
		expect(checkEarlyEnd(row, '2026-01-09')).toEqual(['valid-to-before-valid-from']);
		expect(checkEarlyEnd(row, '31/12')).toEqual(['invalid-valid-to']);
		expect(checkEarlyEnd(held('o', '2020-01-01', null, 'usk'), '2030-01-01')).toEqual([]);
	});
});

describe('delegations ending soon', () => {
	it('[K5] lists last days in [today, today + 30] not renewed, soonest first', () => {
		const rows = [
			{ ...held('late', '2026-01-01', '2026-12-01'), staffId: 's1' },
			{ ...held('edge', '2026-01-01', '2026-12-30'), staffId: 's2' },
			{ ...held('today', '2026-01-01', '2026-11-30'), staffId: 's3' },
			{ ...held('gone', '2026-01-01', '2026-11-29'), staffId: 's4' },
			{ ...held('beyond', '2026-01-01', '2026-12-31'), staffId: 's5' },
			{ ...held('renewed', '2026-01-01', '2026-12-05'), staffId: 's6' },
			{ ...held('renewal', '2026-12-06', '2027-06-01'), staffId: 's6' },
			{ ...held('other', '2026-01-01', '2026-12-05'), staffId: 's7' }
		];
		expect(delegationsEndingWithin(rows, '2026-11-30', 30).map((r) => r.id)).toEqual([
			'today',
			'late',
			'other',
			'edge'
		]);
	});
});

describe('loans', () => {
	it('[K6] a loan is one day per date, in order, from today, at most 92 days', () => {
		const loanDays = (from: string, to: string) => loanDaysFrom(from, to, '2026-01-01');
		expect(loanDaysFrom('2026-11-29', '2026-12-01', '2026-11-30')).toEqual({
			ok: false,
			errors: ['loan-starts-in-past']
		});
		expect(loanDaysFrom('2026-11-30', '2026-11-30', '2026-11-30')).toEqual({
			ok: true,
			days: ['2026-11-30']
		});
		expect(loanDays('2026-12-30', '2027-01-02')).toEqual({
			ok: true,
			days: ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']
		});
		expect(loanDays('2026-12-01', '2026-12-01')).toEqual({ ok: true, days: ['2026-12-01'] });
		expect(loanDays('2026-12-02', '2026-12-01')).toEqual({
			ok: false,
			errors: ['invalid-loan-range']
		});
		expect(loanDays('2026-12-01', '')).toEqual({ ok: false, errors: ['invalid-loan-range'] });
		expect(loanDays('2026-01-01', '2026-04-02')).toEqual({ ok: true, days: expect.any(Array) });
		expect(loanDays('2026-01-01', '2026-04-03')).toEqual({ ok: false, errors: ['loan-too-long'] });
	});

	it('[K6] groups consecutive lent days per team into loans', () => {
		const rows = [
			{ teamId: 'eken', lentOn: '2026-12-02' },
			{ teamId: 'eken', lentOn: '2026-12-01' },
			{ teamId: 'eken', lentOn: '2026-12-03' },
			{ teamId: 'eken', lentOn: '2026-12-05' },
			{ teamId: 'asken', lentOn: '2026-12-04' },
			{ teamId: 'eken', lentOn: '2026-12-05' }
		];
		expect(loanRuns(rows)).toEqual([
			{ teamId: 'eken', from: '2026-12-01', to: '2026-12-03' },
			{ teamId: 'asken', from: '2026-12-04', to: '2026-12-04' },
			{ teamId: 'eken', from: '2026-12-05', to: '2026-12-05' }
		]);
	});

	it('[K6] every lent day belongs to exactly one loan of its team', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						teamId: fc.constantFrom('a', 'b'),
						lentOn: dateArb({ min: '2026-01-01', max: '2026-03-31' })
					}),
					{ maxLength: 40 }
				),
				(rows) => {
					const runs = loanRuns(rows);
					for (const row of rows) {
						const holding = runs.filter(
							(r) =>
								r.teamId === row.teamId &&
								compareDates(r.from, row.lentOn) <= 0 &&
								compareDates(row.lentOn, r.to) <= 0
						);
						expect(holding).toHaveLength(1);
					}
					const days = runs.reduce((n, r) => n + daysBetween(r.from, r.to) + 1, 0);
					expect(days).toBe(new Set(rows.map((r) => `${r.teamId} ${r.lentOn}`)).size);
				}
			)
		);
	});
});
