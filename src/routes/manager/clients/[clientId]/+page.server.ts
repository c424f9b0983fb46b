import { error } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { audit } from '$lib/server/audit';
import { requireRole } from '$lib/server/guards';
import { decisionHistory } from '$lib/server/services/case-decisions';
import { UUID } from '$lib/server/services/case-forms';
import { listServices } from '$lib/server/services/catalogue';
import {
	clientHeader,
	clientUsageHistory,
	declinedLately
} from '$lib/server/services/client-usage';
import { clientContinuity } from '$lib/server/services/continuity-report';
import { MANAGER_ROLES, clientInScope } from '$lib/server/services/manager-scope';
import type { PageServerLoad } from './$types';

/** One client's frame follow-up for the unit's manager; every opening is logged as a read. */
export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, MANAGER_ROLES);
	if (!UUID.test(event.params.clientId)) error(404, 'not-found');
	const { db } = await getApp();
	const scoped = await clientInScope(db, user, event.params.clientId);
	if (!scoped.ok) error(scoped.status, scoped.status === 403 ? 'forbidden' : 'not-found');
	const found = scoped.value;
	const today = todayIn();
	await audit(db, user, {
		action: 'read',
		clientIds: [found.id],
		device: event.request.headers.get('user-agent') ?? '',
		unitId: found.unitId,
		detail: { what: 'frame-follow-up' }
	});
	const [header, periods, declined, continuity, history, services] = await Promise.all([
		clientHeader(db, found.id, today),
		clientUsageHistory(db, found.id, today),
		declinedLately(db, found.id, today),
		clientContinuity(db, found.id, today),
		decisionHistory(db, found.id),
		listServices(db, user.organisationId, user.locale)
	]);
	const unit = event.url.searchParams.get('unit');
	return {
		client: { id: found.id, name: found.name, teamName: found.teamName, ...header },
		periods,
		declined,
		continuity,
		history: history.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
		services: services.map((s) => ({ code: s.code, name: s.name })),
		today,
		unitQuery: unit && UUID.test(unit) ? `?unit=${unit}` : ''
	};
};
