/**
 * Cache Storage names shared by the service worker and the page, so logout clears exactly
 * the cache the worker fills.
 */

/** Pages and their data as the signed-in person last saw them: personal data. */
export const PAGES_CACHE = 'ramtavlan-pages';

/** The app shell of one build; older builds' shells are removed when a new worker takes over. */
export const SHELL_CACHE_PREFIX = 'ramtavlan-shell-';

export function shellCacheName(version: string): string {
	return SHELL_CACHE_PREFIX + version;
}
