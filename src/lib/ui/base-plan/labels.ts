/**
 * The base plan in words: weekday names from the browser's calendar, a pattern as one
 * sentence ("tisdag och fredag, morgon, dusch och städning, ca 45 min") and the form's errors.
 */
import { m } from '$lib/paraglide/messages.js';
import type { BasePlanError, BasePlanPattern } from '$lib/domain/base-plan';
import { formatMinutes } from '$lib/ui/duration';
import { dayPartName } from '$lib/ui/board/labels';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** 1 January 2024 was a Monday, so day `d` of that week is ISO weekday `d`. */
export function weekdayName(day: number, locale: string, style: 'long' | 'short' = 'long'): string {
	return new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' }).format(
		new Date(Date.UTC(2024, 0, day))
	);
}

function list(items: string[], locale: string): string {
	return new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' }).format(items);
}

/** A pattern as one sentence, in the user's language. */
export function patternSummary(
	pattern: Pick<BasePlanPattern, 'weekdays' | 'dayPart' | 'services' | 'minutes'>,
	serviceName: (code: string) => string,
	locale: string
): string {
	const lower = (s: string) => s.toLocaleLowerCase(locale);
	return m.baseplan_summary({
		days: list(
			pattern.weekdays.map((d) => weekdayName(d, locale)),
			locale
		),
		dayPart: lower(dayPartName(pattern.dayPart)),
		services: list(
			pattern.services.map((s) => lower(serviceName(s))),
			locale
		),
		minutes: formatMinutes(pattern.minutes)
	});
}

/** One sentence per refused field (SPEC.md B1–B5). */
export function errorText(
	error: BasePlanError,
	notGranted: string[],
	serviceName: (code: string) => string,
	locale: string
): string {
	switch (error) {
		case 'no-weekdays':
			return m.baseplan_error_no_weekdays();
		case 'invalid-weekday':
			return m.baseplan_error_invalid_weekday();
		case 'invalid-day-part':
			return m.baseplan_error_invalid_day_part();
		case 'no-services':
			return m.baseplan_error_no_services();
		case 'no-decision':
			return m.baseplan_error_no_decision();
		case 'not-granted':
			return m.baseplan_error_not_granted({ services: list(notGranted.map(serviceName), locale) });
		case 'invalid-minutes':
			return m.baseplan_error_invalid_minutes();
		case 'window-too-long':
			return m.baseplan_error_window_too_long();
		case 'note-too-long':
			return m.baseplan_error_note_too_long();
	}
}
