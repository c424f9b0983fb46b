import { isMonthKey, previousMonth } from '$lib/domain/billing';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { audit } from '$lib/server/audit';
import { deviceOf } from '$lib/server/http';
import { billingBasis } from '$lib/server/services/billing';
import type { PageServerLoad } from './$types';

/** The billing basis of a month for the unit, as a preview of the files to download. */
export const load: PageServerLoad = async (event) => {
	const { unit } = await event.parent();
	const today = todayIn();
	const asked = event.url.searchParams.get('month') ?? '';
	const invalid = asked !== '' && !isMonthKey(asked);
	const month = asked !== '' && !invalid ? asked : previousMonth(today);
	const { db } = await getApp();
	const rows = await billingBasis(db, unit.id, month);
	if (rows.length > 0) {
		await audit(db, event.locals.user!, {
			action: 'read',
			clientIds: [...new Set(rows.map((r) => r.clientId))],
			device: deviceOf(event),
			unitId: unit.id,
			detail: { what: 'billing-basis', month, unitId: unit.id }
		});
	}
	return { month, invalid, asked: invalid ? asked.slice(0, 20) : '', rows };
};
