import { error } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { requireUser } from '$lib/server/guards';
import { listServices } from '$lib/server/services/catalogue';
import { visitDetails } from '$lib/server/services/my-day';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!UUID.test(event.params.visitId)) error(404, 'not-found');
	const { db } = await getApp();
	const [result, services] = await Promise.all([
		visitDetails(db, user, event.params.visitId, event.request.headers.get('user-agent') ?? ''),
		listServices(db, user.organisationId, user.locale)
	]);
	if (!result.ok) error(result.status, result.status === 404 ? 'not-found' : 'forbidden');
	return {
		...result.details,
		today: todayIn(),
		me: { id: user.id, name: user.name, role: user.role },
		services: services.map((s) => ({ code: s.code, name: s.name }))
	};
};
