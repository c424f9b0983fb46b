/**
 * Board words in the user's language: day parts, statuses, short service and competence
 * labels. Codes an organisation added itself fall back to the catalogue name.
 */
import { m } from '$lib/paraglide/messages.js';
import type { DayPart, VisitStatus } from '$lib/domain/types';

export function dayPartName(part: DayPart): string {
	switch (part) {
		case 'morning':
			return m.daypart_morning();
		case 'midday':
			return m.daypart_midday();
		case 'afternoon':
			return m.daypart_afternoon();
		case 'evening':
			return m.daypart_evening();
	}
}

export function dayPartHours(part: DayPart): string {
	switch (part) {
		case 'morning':
			return m.daypart_morning_hours();
		case 'midday':
			return m.daypart_midday_hours();
		case 'afternoon':
			return m.daypart_afternoon_hours();
		case 'evening':
			return m.daypart_evening_hours();
	}
}

export function statusName(status: VisitStatus): string {
	switch (status) {
		case 'planned':
			return m.status_planned();
		case 'done':
			return m.status_done();
		case 'declined':
			return m.status_declined();
		case 'cancelled':
			return m.status_cancelled();
	}
}

const SERVICE_SHORT: Record<string, () => string> = {
	'personal-care': m.svc_personal_care,
	shower: m.svc_shower,
	toilet: m.svc_toilet,
	dressing: m.svc_dressing,
	medication: m.svc_medication,
	insulin: m.svc_insulin,
	lift: m.svc_lift,
	meals: m.svc_meals,
	cleaning: m.svc_cleaning,
	shopping: m.svc_shopping,
	laundry: m.svc_laundry,
	walk: m.svc_walk,
	social: m.svc_social,
	'safety-check': m.svc_safety_check
};

export function serviceShort(code: string, fallback?: string): string {
	return SERVICE_SHORT[code]?.() ?? fallback ?? code;
}

const COMPETENCE_SHORT: Record<string, () => string> = {
	'care-training': m.comp_care_training,
	'medication-delegation': m.comp_medication_delegation,
	'insulin-delegation': m.comp_insulin_delegation,
	'lift-training': m.comp_lift_training,
	usk: m.comp_usk
};

export function competenceShort(code: string): string {
	return COMPETENCE_SHORT[code]?.() ?? code;
}

/** Medical services whose competence is a delegation: shown prominently on cards. */
export const MEDICAL_SERVICES = new Set(['insulin', 'medication']);

/** "AL" for "Anna Lindqvist": privacy mode on a shared screen. */
export function initialsOf(name: string): string {
	return name
		.split(/\s+/)
		.filter(Boolean)
		.map((part) => part[0]!.toUpperCase())
		.slice(0, 3)
		.join('');
}

const WEEKDAY_FORMAT: Record<string, Intl.DateTimeFormat> = {};

/** "måndag 23 november" in the user's language, for a calendar date. */
export function longDate(date: string, locale: string): string {
	WEEKDAY_FORMAT[locale] ??= new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'sv-SE', {
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		timeZone: 'UTC'
	});
	return WEEKDAY_FORMAT[locale].format(new Date(date + 'T00:00:00Z'));
}

export function monthName(key: string, locale: string): string {
	const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'sv-SE', {
		month: 'long',
		timeZone: 'UTC'
	});
	return format.format(new Date(key + '-01T00:00:00Z'));
}
