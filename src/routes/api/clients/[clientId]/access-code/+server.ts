import { deviceOf, jsonError, requireApiUser } from '$lib/server/http';
import { revealAccessCode } from '$lib/server/services/my-day';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `POST /api/clients/<id>/access-code` → `{ code }`. A POST, not a GET: every reveal is a read
 * of sensitive data written to the audit log, and must never be prefetched or cached.
 */
export const POST: RequestHandler = async (event) => {
	const auth = await requireApiUser(event);
	if (auth instanceof Response) return auth;
	if (!UUID.test(event.params.clientId)) return jsonError(404, 'client-not-found');
	const result = await revealAccessCode(
		auth.app.db,
		auth.user,
		event.params.clientId,
		deviceOf(event)
	);
	if (!result.ok)
		return jsonError(result.status, result.status === 404 ? 'client-not-found' : 'forbidden');
	return Response.json({ code: result.code }, { headers: { 'cache-control': 'no-store' } });
};
