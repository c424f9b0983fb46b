import { describe, expect, it } from 'vitest';
import {
	NEVER_TOUCH,
	classifyRequest,
	isKeptResponse,
	isPageData,
	offlineFallbacks,
	pageCacheKey,
	type RequestFacts,
	type WorkerScope
} from './sw-routes';

const origin = 'https://ramtavlan.example.se';
const scope: WorkerScope = {
	origin,
	base: '',
	shell: new Set(['/_app/immutable/entry/start.abc123.js', '/favicon.svg', '/manifest.webmanifest'])
};

const get = (path: string, mode = 'cors'): RequestFacts => ({
	method: 'GET',
	url: new URL(path, origin).href,
	mode
});

describe('classifyRequest', () => {
	it('serves the files of the build and of static/ from the shell', () => {
		expect(classifyRequest(get('/_app/immutable/entry/start.abc123.js'), scope)).toBe('shell');
		expect(classifyRequest(get('/favicon.svg', 'no-cors'), scope)).toBe('shell');
		expect(classifyRequest(get('/manifest.webmanifest'), scope)).toBe('shell');
	});

	it('treats page loads and SvelteKit data requests as pages', () => {
		expect(classifyRequest(get('/my-day', 'navigate'), scope)).toBe('navigation');
		expect(classifyRequest(get('/', 'navigate'), scope)).toBe('navigation');
		expect(classifyRequest(get('/teams/t1/board?date=2026-11-23', 'navigate'), scope)).toBe(
			'navigation'
		);
		expect(
			classifyRequest(get('/teams/t1/board/__data.json?x-sveltekit-invalidated=01'), scope)
		).toBe('data');
		expect(classifyRequest(get('/__data.json?x-sveltekit-invalidated=11'), scope)).toBe('data');
	});

	it.each([
		'/api/me',
		'/api/teams/t1/clients',
		'/login',
		'/login?redirectTo=%2Fmy-day',
		'/login/__data.json',
		'/logout',
		'/locale',
		'/healthz',
		'/socket.io/?EIO=4&transport=polling',
		'/yjs/board:t1:2026-W48'
	])('never touches %s, not even as a page load', (path) => {
		expect(classifyRequest(get(path), scope)).toBe('bypass');
		expect(classifyRequest(get(path, 'navigate'), scope)).toBe('bypass');
	});

	it('covers every never-touched prefix, and only whole path segments', () => {
		for (const prefix of NEVER_TOUCH) {
			expect(classifyRequest(get(prefix, 'navigate'), scope)).toBe('bypass');
		}
		expect(classifyRequest(get('/apiary', 'navigate'), scope)).toBe('navigation');
		expect(classifyRequest(get('/login-help', 'navigate'), scope)).toBe('navigation');
	});

	it('leaves anything but GET to the browser, also for shell files and pages', () => {
		for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
			expect(classifyRequest({ ...get('/my-day', 'navigate'), method }, scope)).toBe('bypass');
			expect(classifyRequest({ ...get('/favicon.svg'), method }, scope)).toBe('bypass');
		}
	});

	it('leaves other origins alone', () => {
		const foreign = { method: 'GET', url: 'https://cdn.example.com/favicon.svg', mode: 'cors' };
		expect(classifyRequest(foreign, scope)).toBe('bypass');
		expect(classifyRequest({ ...foreign, url: 'http://ramtavlan.example.se/my-day' }, scope)).toBe(
			'bypass'
		);
	});

	it('leaves other same-origin requests (not shell, not a page) to the browser', () => {
		expect(classifyRequest(get('/_app/version.json'), scope)).toBe('bypass');
		expect(classifyRequest(get('/_app/immutable/entry/start.old999.js'), scope)).toBe('bypass');
		expect(classifyRequest(get('/my-day'), scope)).toBe('bypass');
	});

	it('honours a base path', () => {
		const based: WorkerScope = { origin, base: '/app', shell: new Set(['/app/favicon.svg']) };
		expect(classifyRequest(get('/app/favicon.svg'), based)).toBe('shell');
		expect(classifyRequest(get('/app/my-day', 'navigate'), based)).toBe('navigation');
		expect(classifyRequest(get('/app', 'navigate'), based)).toBe('navigation');
		expect(classifyRequest(get('/app/api/me'), based)).toBe('bypass');
		expect(classifyRequest(get('/app/login', 'navigate'), based)).toBe('bypass');
		expect(classifyRequest(get('/other/my-day', 'navigate'), based)).toBe('bypass');
	});
});

describe('offlineFallbacks', () => {
	it('tries the page itself, then its path without the query, then the day page', () => {
		expect(
			offlineFallbacks('navigation', `${origin}/teams/t1/board?date=2026-11-23#x`, '')
		).toEqual([
			`${origin}/teams/t1/board?date=2026-11-23`,
			`${origin}/teams/t1/board`,
			`${origin}/my-day`
		]);
	});

	it('does not repeat a key', () => {
		expect(offlineFallbacks('navigation', `${origin}/my-day`, '')).toEqual([`${origin}/my-day`]);
		expect(offlineFallbacks('navigation', `${origin}/my-day?tab=2`, '')).toEqual([
			`${origin}/my-day?tab=2`,
			`${origin}/my-day`
		]);
	});

	it('answers a data request only from its own URL', () => {
		const url = `${origin}/teams/t1/board/__data.json?x-sveltekit-invalidated=01`;
		expect(offlineFallbacks('data', url, '')).toEqual([url]);
	});

	it('puts the day page under the base path', () => {
		expect(offlineFallbacks('navigation', `${origin}/app/x`, '/app')).toEqual([
			`${origin}/app/x`,
			`${origin}/app/my-day`
		]);
	});

	it('keeps pages under their URL without the fragment', () => {
		expect(pageCacheKey(`${origin}/my-day?a=1#visit-3`)).toBe(`${origin}/my-day?a=1`);
	});
});

describe('isKeptResponse', () => {
	it('keeps a plain 200 from our own server', () => {
		expect(isKeptResponse({ status: 200, redirected: false, type: 'basic' })).toBe(true);
	});

	it('never keeps redirects, errors or opaque answers', () => {
		expect(isKeptResponse({ status: 200, redirected: true, type: 'basic' })).toBe(false);
		expect(isKeptResponse({ status: 0, redirected: false, type: 'opaqueredirect' })).toBe(false);
		expect(isKeptResponse({ status: 303, redirected: false, type: 'basic' })).toBe(false);
		expect(isKeptResponse({ status: 204, redirected: false, type: 'basic' })).toBe(false);
		expect(isKeptResponse({ status: 403, redirected: false, type: 'basic' })).toBe(false);
		expect(isKeptResponse({ status: 500, redirected: false, type: 'basic' })).toBe(false);
		expect(isKeptResponse({ status: 200, redirected: false, type: 'cors' })).toBe(false);
	});
});

describe('isPageData', () => {
	it('accepts SvelteKit page data, also streamed', () => {
		expect(isPageData('{"type":"data","nodes":[{"type":"data","data":[{}],"uses":{}}]}')).toBe(
			true
		);
		expect(
			isPageData(
				'{"type":"data","nodes":[{"type":"skip"},{"type":"data","data":[1],"uses":{}}]}\n' +
					'{"type":"chunk","id":1,"data":[2]}\n'
			)
		).toBe(true);
	});

	it('refuses a redirect, an error node and anything that is not page data', () => {
		expect(isPageData('{"type":"redirect","location":"/login"}')).toBe(false);
		expect(
			isPageData('{"type":"data","nodes":[null,{"type":"error","error":{"message":"x"}}]}')
		).toBe(false);
		expect(isPageData('{"message":"Internal Error"}')).toBe(false);
		expect(isPageData('"Ingen uppkoppling"')).toBe(false);
		expect(isPageData('null')).toBe(false);
		expect(isPageData('<!doctype html>')).toBe(false);
		expect(isPageData('')).toBe(false);
	});
});
