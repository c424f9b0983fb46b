/**
 * The shared team tablet (DESIGN.md §7): the person acting on it is named by a personal PIN,
 * guessing is limited per person and tablet, and the tablet locks when idle. Rules TP1–TP4
 * in SPEC.md; the server stores and checks, these functions decide.
 */

export const PIN_MIN_LENGTH = 4;
export const PIN_MAX_LENGTH = 6;

export type PinProblem = 'missing' | 'format' | 'mismatch';

/**
 * [TP1] A PIN is 4–6 ASCII digits, entered twice alike. Only the first problem is named, in
 * this order: nothing entered, not 4–6 digits, the two entries differ.
 */
export function pinProblem(pin: string, again: string): PinProblem | null {
	if (pin.length === 0) return 'missing';
	if (!isPinFormat(pin)) return 'format';
	if (pin !== again) return 'mismatch';
	return null;
}

/** True for 4–6 ASCII digits (not other scripts' digits, not spaces). */
export function isPinFormat(pin: string): boolean {
	return /^[0-9]{4,6}$/.test(pin);
}

export interface PinLimits {
	/** Failures in a row (no success in between) within `windowMs` before the lock-out. */
	maxFailures: number;
	/** How far back failures count, and how long the lock-out lasts after the last one. */
	windowMs: number;
}

export const DEFAULT_PIN_LIMITS: PinLimits = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

export interface PinAttempt {
	/** Milliseconds since the epoch. */
	at: number;
	success: boolean;
}

export interface PinLockState {
	/** Until when (ms since the epoch) the person may not try on this tablet; null when free. */
	lockedUntil: number | null;
	/** Wrong PINs still allowed before the lock-out (0 while locked out). */
	triesLeft: number;
}

/**
 * [TP2] Lock-out per person and tablet: only failures since the last success count. When the
 * last `maxFailures` of them lie within `windowMs` of each other, the person is locked out
 * until `windowMs` after the last one; otherwise the failures of the last `windowMs` use up
 * the tries. While locked out no attempt is judged (not even the right PIN) and none is
 * recorded, so waiting is the only way out and the lock-out does not grow by trying.
 */
export function pinLockState(
	attempts: readonly PinAttempt[],
	now: number,
	limits: PinLimits = DEFAULT_PIN_LIMITS
): PinLockState {
	let lastSuccess = -Infinity;
	for (const a of attempts) if (a.success && a.at <= now) lastSuccess = Math.max(lastSuccess, a.at);
	const failures = attempts
		.filter((a) => !a.success && a.at >= lastSuccess && a.at <= now)
		.map((a) => a.at)
		.sort((a, b) => a - b);
	if (failures.length >= limits.maxFailures) {
		const first = failures[failures.length - limits.maxFailures];
		const last = failures[failures.length - 1];
		if (last - first < limits.windowMs && now < last + limits.windowMs) {
			return { lockedUntil: last + limits.windowMs, triesLeft: 0 };
		}
	}
	const recent = failures.filter((at) => at > now - limits.windowMs).length;
	return { lockedUntil: null, triesLeft: Math.max(0, limits.maxFailures - recent) };
}

/** Default idle time before a tablet locks (TABLET_IDLE_MINUTES). */
export const DEFAULT_TABLET_IDLE_MINUTES = 5;
/** The warning comes this long before the lock (or at half the idle time, if that is less). */
export const TABLET_WARNING_MS = 30 * 1000;
/** Activity refreshes the acting person's last-seen time at most this often. */
export const TABLET_TOUCH_EVERY_MS = 60 * 1000;

/**
 * [TP3] The idle limit from the environment: whole or fractional minutes, at least 0.5 and at
 * most 60; anything else (missing, blank, not a number) is the default of 5 minutes.
 */
export function tabletIdleMinutes(value: string | undefined): number {
	const n = Number(value?.trim() || NaN);
	if (!Number.isFinite(n) || n < 0.5 || n > 60) return DEFAULT_TABLET_IDLE_MINUTES;
	return n;
}

/**
 * [TP4] The acting person is gone once `idleMs` have passed since they were last seen (the
 * instant itself counts as gone), whatever the tablet's browser does.
 */
export function actingExpired(seenAt: number, now: number, idleMs: number): boolean {
	return now - seenAt >= idleMs;
}

/** [TP4] When a tablet's idle warning shows: 30 s before the lock, or halfway for short limits. */
export function warningLeadMs(idleMs: number): number {
	return Math.min(TABLET_WARNING_MS, Math.floor(idleMs / 2));
}
