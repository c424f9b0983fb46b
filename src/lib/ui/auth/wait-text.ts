import { m } from '$lib/paraglide/messages.js';

/**
 * How long to wait after too many failed sign-ins, in seconds for a short delay and in whole
 * minutes (rounded up) for a longer one.
 */
export function waitText(retryAfterSeconds: number): string {
	const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
	if (seconds < 120) return m.auth_wait_seconds({ seconds: String(seconds) });
	return m.login_error_rate_limited({ minutes: String(Math.ceil(seconds / 60)) });
}

/** What is wrong with the current password asked for again on the password and PIN pages. */
export function currentPasswordError(
	error: 'missing' | 'wrong' | 'rate-limited' | undefined,
	retryAfterSeconds: number | undefined
): string {
	switch (error) {
		case 'missing':
			return m.tablet_pin_error_password_missing();
		case 'wrong':
			return m.tablet_pin_error_password_wrong();
		case 'rate-limited':
			return waitText(retryAfterSeconds ?? 60);
		default:
			return '';
	}
}
