/**
 * How much password guessing a sign-in allows (docs/security.md, "Logins"). Pure functions
 * over the recorded attempts, so the policy can be tested without a database or a clock.
 *
 * - Per account: at most `accountMax` failures in `accountWindowMs` (100 an hour), counted
 *   across every address; the last `familiarReserve` of them can only be spent from an
 *   address the account signed in from before, so guessing from elsewhere cannot keep the
 *   real user out at their usual place.
 * - Per (account, address) pair: `pairFree` failures pass at once, then every further attempt
 *   waits a delay that doubles from `firstDelayMs` up to `maxDelayMs` after the last failure.
 *   A success on the pair starts it afresh. A guesser slows down their own pair only; the real
 *   user on another address is not delayed at all, and on the same address waits at most
 *   `maxDelayMs`.
 * - Per address, across accounts: after `addressFree` failures the same doubling delay applies
 *   to the address, except for accounts that signed in from it before, so one noisy machine
 *   on an office network does not keep its colleagues out.
 *
 * A refused attempt is not judged (not even the right password) and not recorded, so it
 * reveals nothing and waiting is the only way on. Unknown usernames are counted like real
 * ones, so the limits do not reveal who has an account either.
 */

export interface LoginLimits {
	/** Failures per account within `accountWindowMs`, across all addresses. */
	accountMax: number;
	accountWindowMs: number;
	/** The last failures of `accountMax` that only familiar addresses may spend. */
	familiarReserve: number;
	/** How far back failures of a pair or an address count. */
	windowMs: number;
	/** Failures of one (account, address) pair before the delays start. */
	pairFree: number;
	/** Failures from one address, across accounts, before the delays start there. */
	addressFree: number;
	/** The first delay, doubled with every further failure … */
	firstDelayMs: number;
	/** … up to this. */
	maxDelayMs: number;
	/** An address is familiar to an account that signed in from it within this time. */
	familiarMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
	accountMax: 100,
	accountWindowMs: 60 * 60 * 1000,
	familiarReserve: 10,
	windowMs: 15 * 60 * 1000,
	pairFree: 5,
	addressFree: 30,
	firstDelayMs: 1000,
	maxDelayMs: 60 * 1000,
	familiarMs: 30 * 24 * 60 * 60 * 1000
};

/** What was recorded about earlier attempts; times in milliseconds since the epoch. */
export interface LoginHistory {
	/** Failures of the account within `accountWindowMs`, any address. */
	accountFailures: readonly number[];
	/** Attempts of the (account, address) pair within `windowMs`. */
	pairAttempts: readonly { at: number; success: boolean }[];
	/** Failures from the address within `windowMs`, any account (at least the latest 64). */
	addressFailures: readonly number[];
	/** The account signed in from this address within `familiarMs`. */
	familiar: boolean;
}

export type LoginVerdict =
	| { allowed: true }
	| { allowed: false; scope: 'account' | 'pair' | 'address'; retryAfterMs: number };

/** The delay after `failures` failures of which `free` pass at once (0 while within `free`). */
export function delayAfter(failures: number, free: number, limits: LoginLimits): number {
	if (failures < free) return 0;
	const doublings = Math.min(failures - free, 30);
	return Math.min(limits.firstDelayMs * 2 ** doublings, limits.maxDelayMs);
}

/** May an attempt be judged now, and if not, how long until it may. */
export function loginVerdict(
	history: LoginHistory,
	now: number,
	limits: LoginLimits = DEFAULT_LOGIN_LIMITS
): LoginVerdict {
	const waits: LoginVerdict[] = [];

	const cap = history.familiar ? limits.accountMax : limits.accountMax - limits.familiarReserve;
	const account = history.accountFailures
		.filter((at) => at > now - limits.accountWindowMs && at <= now)
		.sort((a, b) => a - b);
	if (account.length >= cap) {
		// Free again once enough of the oldest failures have left the window.
		const oldest = account[account.length - cap];
		waits.push({
			allowed: false,
			scope: 'account',
			retryAfterMs: oldest + limits.accountWindowMs - now
		});
	}

	const recent = history.pairAttempts.filter((a) => a.at > now - limits.windowMs && a.at <= now);
	const lastSuccess = Math.max(-Infinity, ...recent.filter((a) => a.success).map((a) => a.at));
	const pair = recent
		.filter((a) => !a.success && a.at >= lastSuccess)
		.map((a) => a.at)
		.sort((a, b) => a - b);
	const pairDelay = delayAfter(pair.length, limits.pairFree, limits);
	if (pairDelay > 0 && now < pair[pair.length - 1] + pairDelay) {
		waits.push({
			allowed: false,
			scope: 'pair',
			retryAfterMs: pair[pair.length - 1] + pairDelay - now
		});
	}

	if (!history.familiar) {
		const address = history.addressFailures
			.filter((at) => at > now - limits.windowMs && at <= now)
			.sort((a, b) => a - b);
		const addressDelay = delayAfter(address.length, limits.addressFree, limits);
		if (addressDelay > 0 && now < address[address.length - 1] + addressDelay) {
			waits.push({
				allowed: false,
				scope: 'address',
				retryAfterMs: address[address.length - 1] + addressDelay - now
			});
		}
	}

	if (waits.length === 0) return { allowed: true };
	return waits.reduce((a, b) =>
		!a.allowed && !b.allowed && b.retryAfterMs > a.retryAfterMs ? b : a
	);
}

/**
 * The key an address is counted under: an IPv4 address as it is (also when written as
 * IPv4-mapped IPv6), an IPv6 address by its /64 network, which one subscriber usually holds
 * whole; anything else (a tablet's or a test's label) as it is.
 */
export function addressKey(address: string): string {
	const trimmed = address.trim().toLowerCase();
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
	if (mapped) return mapped[1];
	if (!trimmed.includes(':') || /[^0-9a-f:.%]/.test(trimmed)) return trimmed;
	// An IPv4 tail (`64:ff9b::192.0.2.1`) is two groups.
	const bare = trimmed
		.split('%')[0]
		.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
			[
				((Number(a) << 8) | Number(b)).toString(16),
				((Number(c) << 8) | Number(d)).toString(16)
			].join(':')
		);
	const [head, tail = ''] = bare.split('::');
	const left = head ? head.split(':') : [];
	const right = bare.includes('::') ? (tail ? tail.split(':') : []) : [];
	const missing = 8 - left.length - right.length;
	if (left.length + right.length > 8 || (!bare.includes('::') && missing !== 0)) return trimmed;
	const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
	return (
		groups
			.slice(0, 4)
			.map((g) => (parseInt(g, 16) || 0).toString(16))
			.join(':') + '::/64'
	);
}
