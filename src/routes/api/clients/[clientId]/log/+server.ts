import { deviceOf, jsonError, requireApiUser } from '$lib/server/http';
import { clientLog } from '$lib/server/services/client-log';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `GET /api/clients/<id>/log` → the client's log extract, newest first (managers, admins). */
export const GET: RequestHandler = async (event) => {
	const auth = await requireApiUser(event);
	if (auth instanceof Response) return auth;
	if (!UUID.test(event.params.clientId)) return jsonError(404, 'client-not-found');
	const result = await clientLog(auth.app.db, auth.user, event.params.clientId, deviceOf(event));
	if (!result.ok) {
		return jsonError(result.status, result.status === 404 ? 'client-not-found' : 'forbidden');
	}
	return Response.json(result.rows, { headers: { 'cache-control': 'no-store' } });
};
