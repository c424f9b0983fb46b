import { audit } from '$lib/server/audit';
import { deviceOf, requireTeamAccess } from '$lib/server/http';
import { teamClients } from '$lib/server/services/teams';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const auth = await requireTeamAccess(event, event.params.teamId);
	if (auth instanceof Response) return auth;
	const rows = await teamClients(auth.app.db, event.params.teamId);
	await audit(auth.app.db, auth.user, {
		action: 'read',
		clientIds: rows.map((r) => r.id),
		device: deviceOf(event),
		detail: { what: 'team-clients', teamId: event.params.teamId }
	});
	return Response.json(rows);
};
