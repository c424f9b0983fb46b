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
