import { todayIn } from '$lib/domain/periods';
import { teamsOf } from '$lib/server/auth/access';
import { requireApiUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const auth = await requireApiUser(event);
	if (auth instanceof Response) return auth;
	const { user, app } = auth;
	const teams = await teamsOf(app.db, user, todayIn());
	return Response.json({
		id: user.id,
		username: user.username,
		name: user.name,
		role: user.role,
		teams
	});
};
