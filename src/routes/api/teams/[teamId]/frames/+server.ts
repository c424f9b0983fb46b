import { monthKey, parsePeriodKey, todayIn } from '$lib/domain/periods';
import { audit } from '$lib/server/audit';
import { deviceOf, jsonError, requireTeamAccess } from '$lib/server/http';
import { frameReport } from '$lib/server/services/frames';
import type { RequestHandler } from './$types';

/** `?period=YYYY-MM|YYYY-Www`; without it, the current month. */
export const GET: RequestHandler = async (event) => {
	const auth = await requireTeamAccess(event, event.params.teamId);
	if (auth instanceof Response) return auth;
	const key = event.url.searchParams.get('period') ?? monthKey(todayIn());
	const period = parsePeriodKey(key);
	if (!period) return jsonError(400, 'invalid-period');
	const rows = await frameReport(auth.app.db, { teamId: event.params.teamId, period });
	await audit(auth.app.db, auth.user, {
		action: 'read',
		clientIds: [...new Set(rows.map((r) => r.clientId))],
		device: deviceOf(event),
		detail: { what: 'frames', teamId: event.params.teamId, period: period.key }
	});
	return Response.json(rows);
};
