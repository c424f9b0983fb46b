import { isMonthKey, previousMonth } from '$lib/domain/billing';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
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
	return { month, invalid, asked: invalid ? asked.slice(0, 20) : '', rows };
};
