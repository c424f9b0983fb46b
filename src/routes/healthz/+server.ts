import { getApp } from '$lib/server/app';
import { databaseAnswers } from '$lib/server/db/client';
import type { RequestHandler } from './$types';

/**
 * 200 `{ ok: true }` while the database answers; 503 `{ ok: false, database: 'down' }`
 * within two seconds when it does not, so a load balancer or a supervisor can tell a server
 * that is waiting for its database from a healthy one. The app reconnects by itself.
 */
export const GET: RequestHandler = async () => {
	const headers = { 'cache-control': 'no-store' };
	if (await databaseAnswers(getApp().then((app) => app.db))) {
		return Response.json({ ok: true }, { headers });
	}
	return Response.json({ ok: false, database: 'down' }, { status: 503, headers });
};
