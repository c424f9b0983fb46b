import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_PIN_LIMITS,
	actingExpired,
	isPinFormat,
	pinLockState,
	pinProblem,
	tabletIdleMinutes,
	warningLeadMs,
	type PinAttempt
} from './tablet-pin';

const MIN = 60 * 1000;

describe('PIN format', () => {
	it('[TP1] accepts 4 to 6 ASCII digits entered twice alike', () => {
		for (const pin of ['1234', '00000', '987654']) expect(pinProblem(pin, pin)).toBeNull();
	});

	it('[TP1] names the first problem: missing, format, mismatch', () => {
		expect(pinProblem('', '')).toBe('missing');
		expect(pinProblem('123', '123')).toBe('format');
		expect(pinProblem('1234567', '1234567')).toBe('format');
		expect(pinProblem('12a4', '12a4')).toBe('format');
		expect(pinProblem(' 1234', ' 1234')).toBe('format');
		expect(pinProblem('١٢٣٤', '١٢٣٤')).toBe('format');
		expect(pinProblem('1234', '1235')).toBe('mismatch');
		expect(pinProblem('12', '34')).toBe('format');
	});

	it('[TP1] any string is a PIN exactly when it is 4–6 characters of 0–9', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 8 }), (s) => {
				expect(isPinFormat(s)).toBe(s.length >= 4 && s.length <= 6 && [...s].every(isDigit));
			})
		);
		fc.assert(
			fc.property(fc.stringMatching(/^[0-9]{4,6}$/), (pin) => {
				expect(pinProblem(pin, pin)).toBeNull();
			})
		);
	});
});

const isDigit = (c: string) => c >= '0' && c <= '9';

describe('PIN lock-out', () => {
	const fail = (at: number): PinAttempt => ({ at, success: false });
	const ok = (at: number): PinAttempt => ({ at, success: true });

	it('[TP2] five wrong PINs in a row lock the person out for 15 minutes after the last', () => {
		const now = 10 * MIN;
		const four = [1, 2, 3, 4].map((m) => fail(m * MIN));
		expect(pinLockState(four, now)).toEqual({ lockedUntil: null, triesLeft: 1 });
		const five = [...four, fail(5 * MIN)];
		expect(pinLockState(five, now)).toEqual({ lockedUntil: 20 * MIN, triesLeft: 0 });
		expect(pinLockState(five, 20 * MIN - 1).lockedUntil).toBe(20 * MIN);
		expect(pinLockState(five, 20 * MIN).lockedUntil).toBeNull();
	});

	it('[TP2] a success clears the count; failures older than the window do not count', () => {
		const attempts = [fail(1), fail(2), fail(3), fail(4), ok(5), fail(6)];
		expect(pinLockState(attempts, 10)).toEqual({ lockedUntil: null, triesLeft: 4 });
		const old = [1, 2, 3, 4, 5].map((m) => fail(m * MIN));
		expect(pinLockState(old, 5 * MIN + 15 * MIN + 1).triesLeft).toBe(5);
	});

	it('[TP2] the order of the rows does not matter, and nobody ever gets more tries', () => {
		const attemptArb = fc.record({
			at: fc.integer({ min: 0, max: 60 * MIN }),
			success: fc.boolean()
		});
		fc.assert(
			fc.property(
				fc.array(attemptArb, { maxLength: 20 }),
				fc.integer({ min: 0, max: 80 * MIN }),
				(attempts, now) => {
					const state = pinLockState(attempts, now);
					expect(pinLockState([...attempts].reverse(), now)).toEqual(state);
					expect(state.triesLeft).toBeGreaterThanOrEqual(0);
					expect(state.triesLeft).toBeLessThanOrEqual(DEFAULT_PIN_LIMITS.maxFailures);
					if (state.lockedUntil !== null) {
						expect(state.triesLeft).toBe(0);
						expect(state.lockedUntil).toBeGreaterThan(now);
						expect(state.lockedUntil).toBeLessThanOrEqual(now + DEFAULT_PIN_LIMITS.windowMs);
					}
					// One more failure never gives more tries than before.
					const after = pinLockState([...attempts, fail(now)], now);
					if (state.lockedUntil === null) {
						expect(after.triesLeft).toBe(Math.max(0, state.triesLeft - 1));
					}
				}
			)
		);
	});

	it('[TP2] a brute force of many guesses gets at most five tries per window', () => {
		// Someone guesses once a second for an hour; only counted (not refused) guesses are kept.
		const kept: PinAttempt[] = [];
		for (let t = 0; t < 60 * MIN; t += 1000) {
			if (pinLockState(kept, t).lockedUntil === null) kept.push(fail(t));
		}
		// 60 minutes hold four windows of 15 minutes: five guesses each.
		expect(kept.length).toBe(20);
	});
});

describe('idle lock', () => {
	it('[TP3] TABLET_IDLE_MINUTES: 0.5–60 minutes, otherwise the default of 5', () => {
		expect(tabletIdleMinutes(undefined)).toBe(5);
		expect(tabletIdleMinutes('')).toBe(5);
		expect(tabletIdleMinutes(' 10 ')).toBe(10);
		expect(tabletIdleMinutes('0.5')).toBe(0.5);
		expect(tabletIdleMinutes('0')).toBe(5);
		expect(tabletIdleMinutes('61')).toBe(5);
		expect(tabletIdleMinutes('fem')).toBe(5);
	});

	it('[TP4] the acting person is gone at exactly the idle limit', () => {
		expect(actingExpired(0, 5 * MIN - 1, 5 * MIN)).toBe(false);
		expect(actingExpired(0, 5 * MIN, 5 * MIN)).toBe(true);
		expect(warningLeadMs(5 * MIN)).toBe(30_000);
		expect(warningLeadMs(40_000)).toBe(20_000);
	});
});
