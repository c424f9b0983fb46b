import { todayIn } from '$lib/domain/periods';
import { requireTeamAccess } from '$lib/server/http';
import { teamStaff } from '$lib/server/services/teams';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const auth = await requireTeamAccess(event, event.params.teamId);
	if (auth instanceof Response) return auth;
	const rows = await teamStaff(auth.app.db, event.params.teamId, todayIn());
	return Response.json(
		rows.map(({ id, username, name, competences }) => ({ id, username, name, competences }))
	);
};
