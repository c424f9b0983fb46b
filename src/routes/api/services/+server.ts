import { listServices } from '$lib/server/services/catalogue';
import { requireApiUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const auth = await requireApiUser(event);
	if (auth instanceof Response) return auth;
	const services = await listServices(auth.app.db, auth.user.organisationId, auth.user.locale);
	return Response.json(services.map((s) => ({ code: s.code, name: s.name, requires: s.requires })));
};
