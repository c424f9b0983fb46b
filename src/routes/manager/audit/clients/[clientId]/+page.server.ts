import { error } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { audit } from '$lib/server/audit';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import { clientLog } from '$lib/server/services/client-log';
import { MANAGER_ROLES, clientInScope } from '$lib/server/services/manager-scope';
import type { Actions, PageServerLoad } from './$types';
import { UUID } from '$lib/server/services/case-forms';

/** The client's log extract; producing it is written to the log as a read (`clientLog`). */
export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, MANAGER_ROLES);
	if (!UUID.test(event.params.clientId)) error(404, 'not-found');
	const { db } = await getApp();
	const scoped = await clientInScope(db, user, event.params.clientId);
	if (!scoped.ok) error(scoped.status, scoped.status === 404 ? 'not-found' : 'forbidden');
	const log = await clientLog(db, user, scoped.value.id, deviceOf(event));
	if (!log.ok) error(log.status, log.status === 404 ? 'not-found' : 'forbidden');
	return {
		client: { id: scoped.value.id, name: scoped.value.name, teamName: scoped.value.teamName },
		rows: log.rows,
		producedAt: new Date().toISOString(),
		producedBy: user.name
	};
};

export const actions: Actions = {
	/** Printing the extract is written to the log before the browser prints it. */
	print: async (event) => {
		const user = requireRole(event, MANAGER_ROLES);
		if (!UUID.test(event.params.clientId)) error(404, 'not-found');
		const { db } = await getApp();
		const scoped = await clientInScope(db, user, event.params.clientId);
		if (!scoped.ok) error(scoped.status, scoped.status === 404 ? 'not-found' : 'forbidden');
		await audit(db, user, {
			action: 'print',
			clientIds: [scoped.value.id],
			device: deviceOf(event),
			unitId: scoped.value.unitId,
			detail: { what: 'log-extract' }
		});
		return { printed: true };
	}
};
