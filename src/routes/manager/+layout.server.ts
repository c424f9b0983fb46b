import { error } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { MANAGER_ROLES, unitFor, unitsOf } from '$lib/server/services/manager-scope';
import type { LayoutServerLoad } from './$types';

/** Managers follow up their unit; an administrator picks one of the organisation's units. */
export const load: LayoutServerLoad = async (event) => {
	const user = requireRole(event, MANAGER_ROLES);
	const { db } = await getApp();
	const [units, chosen] = await Promise.all([
		unitsOf(db, user),
		unitFor(db, user, event.url.searchParams.get('unit'))
	]);
	if (!chosen.ok) error(chosen.status, 'forbidden');
	return { units, unit: chosen.value };
};
