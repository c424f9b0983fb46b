/**
 * The sentence a verdict shows when a change went over one of the board's bounds
 * (BOARD_LIMITS), in the author's language, with the bound's number.
 */
import { m } from '$lib/paraglide/messages.js';
import { BOARD_LIMITS, VISIT_LIMITS, isLimitReason } from '$lib/board';
import type { Locale } from '../services/verdict-text';
import type { LimitRefusal } from './layout-guard';

/** True for a visit verdict's reason that is a bound of the board rather than a rule. */
export const isLimitVerdict = (violation: { rule: string; reason?: unknown }): boolean =>
	violation.rule === 'malformed' && isLimitReason(violation.reason);

function size(bytes: number, locale: Locale): string {
	const mb = bytes / (1024 * 1024);
	return `${new Intl.NumberFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 }).format(mb)} MB`;
}

const number = (n: number, locale: Locale) =>
	new Intl.NumberFormat(locale === 'sv' ? 'sv-SE' : 'en-GB').format(n);

/** The message of a refusal; `about` is a visit, a signal, a huddle day or the board. */
export function limitMessage(
	refusal: Pick<LimitRefusal, 'reason'> & { about: LimitRefusal['about'] | 'visit' },
	locale: Locale
): string {
	const o = { locale };
	const n = (value: number) => number(value, locale);
	if (refusal.about === 'board') return m.rt_limit_board_closed({}, o);
	if (refusal.reason === 'board-full') {
		return m.rt_limit_board_full({ size: size(BOARD_LIMITS.bytes, locale) }, o);
	}
	switch (refusal.about) {
		case 'visit':
			return refusal.reason === 'text-too-long'
				? m.rt_limit_visit_note({ max: n(VISIT_LIMITS.note) }, o)
				: m.rt_limit_visit_too_many(
						{
							visits: n(BOARD_LIMITS.visits),
							assignees: n(BOARD_LIMITS.visitAssignees),
							services: n(BOARD_LIMITS.visitServices)
						},
						o
					);
		case 'signal':
			if (refusal.reason === 'text-too-long') {
				return m.rt_limit_signal_text({ max: n(BOARD_LIMITS.signalText) }, o);
			}
			return refusal.reason === 'too-many'
				? m.rt_limit_signal_too_many({ max: n(BOARD_LIMITS.signals) }, o)
				: m.rt_limit_signal_layout({}, o);
		case 'huddle':
			if (refusal.reason === 'text-too-long') {
				return m.rt_limit_huddle_text(
					{ notes: n(BOARD_LIMITS.huddleNotes), item: n(BOARD_LIMITS.checklistText) },
					o
				);
			}
			return refusal.reason === 'too-many'
				? m.rt_limit_huddle_too_many({ max: n(BOARD_LIMITS.checklistItems) }, o)
				: m.rt_limit_huddle_layout({}, o);
	}
}
