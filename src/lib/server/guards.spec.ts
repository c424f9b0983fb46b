import { isHttpError, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from './auth/session';
import { requireRole, requireUser } from './guards';

const user = (role: SessionUser['role']): SessionUser => ({
	id: 'u1',
	organisationId: 'o1',
	username: 'maria',
	name: 'Maria',
	role,
	locale: 'sv',
	unitId: null
});

const event = (u: SessionUser | null, path = '/teams/t1/board?date=2026-11-23') => ({
	locals: { user: u, session: null },
	url: new URL('http://localhost' + path)
});

function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected the guard to throw');
}

describe('page guards', () => {
	it('send someone who is not signed in to the login, and back afterwards', () => {
		const error = thrown(() => requireUser(event(null)));
		expect(isRedirect(error) && error.status).toBe(303);
		expect(isRedirect(error) && error.location).toBe(
			'/login?redirectTo=%2Fteams%2Ft1%2Fboard%3Fdate%3D2026-11-23'
		);
	});

	it('let a signed-in user through', () => {
		expect(requireUser(event(user('worker'))).username).toBe('maria');
	});

	it('answer 403 to a role the page is not for', () => {
		const error = thrown(() => requireRole(event(user('worker')), ['manager', 'admin']));
		expect(isHttpError(error) && error.status).toBe(403);
		expect(requireRole(event(user('manager')), ['manager', 'admin']).role).toBe('manager');
	});
});
