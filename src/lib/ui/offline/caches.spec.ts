import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAGES_CACHE, SHELL_CACHE_PREFIX, shellCacheName } from './cache-names';
import { clearOfflineCaches } from './caches';
import { OFFLINE_MESSAGE, offlineResponse } from './offline-page';

afterEach(() => {
	vi.unstubAllGlobals();
});

describe('clearOfflineCaches', () => {
	it('deletes the kept pages and leaves the shell', async () => {
		const names = new Set([PAGES_CACHE, shellCacheName('123')]);
		vi.stubGlobal('caches', { delete: async (name: string) => names.delete(name) });
		await clearOfflineCaches();
		expect([...names]).toEqual([`${SHELL_CACHE_PREFIX}123`]);
	});

	it('does nothing where Cache Storage does not exist', async () => {
		vi.stubGlobal('caches', undefined);
		await expect(clearOfflineCaches()).resolves.toBeUndefined();
	});
});

describe('offlineResponse', () => {
	it('answers a page load with a Swedish page and 503', async () => {
		const response = offlineResponse('navigation');
		expect(response.status).toBe(503);
		expect(response.headers.get('content-type')).toContain('text/html');
		const html = await response.text();
		expect(html).toContain('lang="sv"');
		expect(html).toContain('Ingen uppkoppling');
	});

	it('answers a data request with the message as SvelteKit reads it', async () => {
		const response = offlineResponse('data');
		expect(response.status).toBe(503);
		expect(response.headers.get('content-type')).toContain('application/json');
		expect(await response.json()).toBe(OFFLINE_MESSAGE);
	});
});
