import { isMonthKey } from '$lib/domain/billing';
import { deviceOf, jsonError, requireApiUser } from '$lib/server/http';
import { exportBillingBasis } from '$lib/server/services/billing';
import { MANAGER_ROLES, unitFor } from '$lib/server/services/manager-scope';
import type { RequestHandler } from './$types';

/**
 * `GET /manager/billing/export?month=YYYY-MM&format=csv|json[&unit=…]`: the unit's billing
 * basis as a download. 401 without a session, 403 for other roles or another unit, 400 for a
 * bad month or format. Every export is written to the access log.
 */
export const GET: RequestHandler = async (event) => {
	const auth = await requireApiUser(event);
	if (auth instanceof Response) return auth;
	const { app, user } = auth;
	if (!MANAGER_ROLES.includes(user.role)) return jsonError(403, 'forbidden');
	const chosen = await unitFor(app.db, user, event.url.searchParams.get('unit'));
	if (!chosen.ok) return jsonError(chosen.status, 'forbidden');
	const month = event.url.searchParams.get('month') ?? '';
	if (!isMonthKey(month)) return jsonError(400, 'invalid-month');
	const format = event.url.searchParams.get('format') ?? 'csv';
	if (format !== 'csv' && format !== 'json') return jsonError(400, 'invalid-format');
	const file = await exportBillingBasis(app.db, user, chosen.value, month, format, deviceOf(event));
	return new Response(file.body, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'no-store'
		}
	});
};
