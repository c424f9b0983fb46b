/** How the continuity and coverage pages write dates, medians and directions. */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { TrendDirection } from '$lib/domain/continuity';

const tag = () => (getLocale() === 'en' ? 'en-GB' : 'sv-SE');

function format(date: string, options: Intl.DateTimeFormatOptions): string {
	return new Intl.DateTimeFormat(tag(), { ...options, timeZone: 'UTC' }).format(
		new Date(`${date}T00:00:00Z`)
	);
}

/** "12 maj" */
export function shortDay(date: string): string {
	return format(date, { day: 'numeric', month: 'short' }).replace(/\.$/, '');
}

/** "12 maj 2025" */
export function longDay(date: string): string {
	return format(date, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "måndag 12 maj" */
export function weekdayDay(date: string): string {
	return format(date, { weekday: 'long', day: 'numeric', month: 'short' });
}

/** A median may end in .5: "2,5" in Swedish. */
export function number(value: number): string {
	return new Intl.NumberFormat(tag(), { maximumFractionDigits: 1 }).format(value);
}

export function directionText(direction: TrendDirection): string {
	switch (direction) {
		case 'improving':
			return m.mgrcont_dir_improving();
		case 'worsening':
			return m.mgrcont_dir_worsening();
		case 'steady':
			return m.mgrcont_dir_steady();
		case 'unknown':
			return m.mgrcont_dir_unknown();
	}
}

/** Arrows are decoration beside the words: fewer staff (down) is better. */
export function directionArrow(direction: TrendDirection): string {
	return direction === 'improving'
		? '↘'
		: direction === 'worsening'
			? '↗'
			: direction === 'steady'
				? '→'
				: '';
}
