/** How the manager's client page names frame periods and flags. */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { UsageFlag } from '$lib/domain/usage';

export interface PeriodLike {
	kind: 'week' | 'month';
	period: string;
	firstDay: string;
}

function monthName(firstDay: string, style: 'short' | 'long'): string {
	const name = new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-GB' : 'sv-SE', {
		month: style,
		timeZone: 'UTC'
	}).format(new Date(`${firstDay}T00:00:00Z`));
	return name.replace(/\.$/, '');
}

/** The axis label: `v. 49`, `nov`. */
export function shortLabel(p: PeriodLike): string {
	return p.kind === 'week'
		? m.mgrclient_week_short({ week: String(Number(p.period.slice(6))) })
		: monthName(p.firstDay, 'short');
}

/** The label in tables and headings: `v. 49 2026`, `november 2026`. */
export function longLabel(p: PeriodLike): string {
	return p.kind === 'week'
		? m.mgrclient_week_long({ week: String(Number(p.period.slice(6))), year: p.period.slice(0, 4) })
		: `${monthName(p.firstDay, 'long')} ${p.period.slice(0, 4)}`;
}

export function flagText(flag: UsageFlag): string {
	switch (flag) {
		case 'overdraft':
			return m.mgrclient_flag_overdraft();
		case 'running-hot':
			return m.mgrclient_flag_running_hot();
		case 'low-use':
			return m.mgrclient_flag_low_use();
		case 'many-declined':
			return m.mgrclient_flag_many_declined();
	}
}
