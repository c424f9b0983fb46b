import { getApp } from '$lib/server/app';
import { jsonError } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * `POST /tablet/touch`: the person acting on a team tablet was active. Refreshes when they
 * were last seen (at most once a minute) and answers how long until the tablet locks:
 * `{ locked: false, remainingMs }`, or `{ locked: true }` once it is locked or idled out.
 */
export const POST: RequestHandler = async (event) => {
	const { config, sessions } = await getApp();
	const origin = event.request.headers.get('origin');
	if (!origin || !config.allowedOrigins.includes(origin)) {
		return jsonError(403, 'origin-not-allowed');
	}
	const { user, session } = event.locals;
	if (!user || !session) return jsonError(401, 'not-authenticated');
	if (user.role !== 'teamDevice') return jsonError(403, 'forbidden');
	const acting = await sessions.touchActing(session.id);
	if (!acting) return Response.json({ locked: true });
	return Response.json({
		locked: false,
		remainingMs: Math.max(0, acting.expiresAt.getTime() - Date.now())
	});
};
