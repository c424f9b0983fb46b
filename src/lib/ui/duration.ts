import { m } from '$lib/paraglide/messages.js';

/** "5 h 30 min", "2 h", "45 min"; negative values keep their sign. */
export function formatMinutes(total: number): string {
	const sign = total < 0 ? '−' : '';
	const abs = Math.abs(Math.round(total));
	const hours = Math.floor(abs / 60);
	const minutes = abs % 60;
	if (hours === 0) return sign + m.duration_minutes({ minutes: String(minutes) });
	if (minutes === 0) return sign + m.duration_hours({ hours: String(hours) });
	return sign + m.duration_hours_minutes({ hours: String(hours), minutes: String(minutes) });
}
