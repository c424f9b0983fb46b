import { PAGES_CACHE } from './cache-names';

/**
 * Removes the pages the service worker kept for offline use. They hold the signed-in
 * person's clients and visits, so they must not outlive the session on a shared device.
 * The app shell stays: it is the same for everyone. Where Cache Storage does not exist
 * (server rendering, old browsers, insecure origins) there is nothing to clear.
 */
export async function clearOfflineCaches(): Promise<void> {
	if (typeof caches === 'undefined') return;
	await caches.delete(PAGES_CACHE);
}
