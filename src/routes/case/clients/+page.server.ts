import { z } from 'zod';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { CASE_ROLES, caseTeams, listCaseClients } from '$lib/server/services/case-clients';
import { UUID } from '$lib/server/services/case-forms';
import type { SessionUser } from '$lib/server/auth/session';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({
	q: z.string().max(100).catch(''),
	team: z.string().regex(UUID).or(z.literal('')).catch(''),
	inactive: z.literal('1').or(z.literal('')).catch('')
});
type Filter = z.infer<typeof query>;

async function clientsFor(user: SessionUser, filter: Filter, device: string) {
	const { db } = await getApp();
	return listCaseClients(
		db,
		user,
		{ search: filter.q, teamId: filter.team || undefined, inactive: filter.inactive === '1' },
		device
	);
}

/**
 * The organisation's clients. Team and "inactive too" may come in the address (links); a
 * search by name is posted (the `search` action), so a client's name never travels in an
 * address, a browser's history or a proxy's log (docs/security.md, "Logs and addresses").
 */
export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, CASE_ROLES);
	const { db } = await getApp();
	const p = event.url.searchParams;
	const filter = query.parse({
		q: '',
		team: p.get('team') ?? '',
		inactive: p.get('inactive') ?? ''
	});
	const [teams, clients] = await Promise.all([
		caseTeams(db, user.organisationId),
		clientsFor(user, filter, event.request.headers.get('user-agent') ?? '')
	]);
	return {
		filter,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		clients
	};
};

export const actions: Actions = {
	/** The list searched by name (and filtered by team), answered with the rows found. */
	search: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const form = await event.request.formData();
		const text = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value : '';
		};
		const filter = query.parse({ q: text('q'), team: text('team'), inactive: text('inactive') });
		const clients = await clientsFor(user, filter, event.request.headers.get('user-agent') ?? '');
		return { filter, clients };
	}
};
