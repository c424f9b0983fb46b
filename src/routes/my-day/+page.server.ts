import { redirect } from '@sveltejs/kit';
import { addDays, isValidIsoDate, todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { teamsOf } from '$lib/server/auth/access';
import { audit } from '$lib/server/audit';
import { requireUser } from '$lib/server/guards';
import { listServices } from '$lib/server/services/catalogue';
import { myDay } from '$lib/server/services/my-day';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await getApp();
	const today = todayIn();
	if (user.role === 'teamDevice') {
		const [team] = await teamsOf(db, user, today);
		redirect(303, team ? `/teams/${team.id}/board` : '/');
	}
	const asked = event.url.searchParams.get('date');
	const date = asked && isValidIsoDate(asked) ? asked : today;
	const [day, services] = await Promise.all([
		myDay(db, user, date),
		listServices(db, user.organisationId, user.locale)
	]);
	await audit(db, user, {
		action: 'read',
		clientIds: day.clients.map((c) => c.id),
		device: event.request.headers.get('user-agent') ?? '',
		detail: { what: 'my-day', date }
	});
	return {
		...day,
		today,
		previous: addDays(date, -1),
		next: addDays(date, 1),
		me: { id: user.id, name: user.name, role: user.role },
		services: services.map((s) => ({ code: s.code, name: s.name }))
	};
};
