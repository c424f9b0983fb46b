/**
 * Small helpers that keep the JSON endpoints thin: who is asking, may they see the team,
 * and uniform error bodies (`{ error }` with a stable code).
 */
import type { RequestEvent } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp, type App } from './app';
import { canAccessTeam } from './auth/access';
import type { SessionUser } from './auth/session';

export function jsonError(status: number, error: string): Response {
	return Response.json({ error }, { status });
}

export type Authorized = { app: App; user: SessionUser };

export async function requireApiUser(event: RequestEvent): Promise<Authorized | Response> {
	const user = event.locals.user;
	if (!user) return jsonError(401, 'not-authenticated');
	return { app: await getApp(), user };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * 401 without a session, 404 for a malformed id, 403 outside the user's teams. A team tablet
 * gets 403 too: it shows its board only (DESIGN.md §7), and its UI never calls these.
 */
export async function requireTeamAccess(
	event: RequestEvent,
	teamId: string
): Promise<Authorized | Response> {
	const auth = await requireApiUser(event);
	if (auth instanceof Response) return auth;
	if (!UUID.test(teamId)) return jsonError(404, 'team-not-found');
	if (auth.user.role === 'teamDevice') return jsonError(403, 'forbidden');
	const today = todayIn();
	if (!(await canAccessTeam(auth.app.db, auth.user, teamId, today))) {
		return jsonError(403, 'forbidden');
	}
	return auth;
}

/**
 * The device for the audit log: the browser's user agent, and on a team tablet the tablet's
 * name first (as its sockets write it), since every tablet's browser reads alike.
 */
export function deviceOf(event: Pick<RequestEvent, 'request' | 'locals'>): string {
	const agent = event.request.headers.get('user-agent') ?? '';
	const user = event.locals.user;
	return (user?.role === 'teamDevice' ? `${user.username}: ${agent}` : agent).slice(0, 300);
}
