/**
 * The one sentence a verdict shows (DESIGN.md §3): which rule, the numbers, and what would
 * be allowed — minutes left, or who in the team could take the visit — in the author's
 * language. Text comes only from Paraglide messages; this module picks them and formats the
 * numbers the way the team talks about frame time ("5 h 30 min").
 */
import { m } from '$lib/paraglide/messages.js';
import { isWithin, isValidIsoDate } from '$lib/domain/periods';
import type { IsoDate, Violation, VisitStatus } from '$lib/domain/types';

export type Locale = 'sv' | 'en';

/** A malformed visit may say whose assignment was the problem and why. */
export type VerdictViolation =
	| Exclude<Violation, { rule: 'malformed' }>
	| {
			rule: 'malformed';
			reason: string;
			/**
			 * Assignees who do not work in the team that day, or are absent; `name` is null for
			 * an id that is nobody in the organisation.
			 */
			offDuty?: { staffId: string; name: string | null; absent: boolean }[];
			date?: IsoDate;
	  };

export interface VerdictFacts {
	locale: Locale;
	/** The team's today, for "this week" / "this month". */
	today: IsoDate;
	clientName: string;
	serviceName(code: string, locale: Locale): string;
	competenceName(code: string, locale: Locale): string;
}

/** What the server did about it, from the verdict's `undone` list. */
export type Undone = readonly string[];

/** Minutes the way the board shows them: `45 min`, `2 h`, `5 h 30 min`. */
export function formatMinutes(minutes: number, locale: Locale): string {
	const sign = minutes < 0 ? '−' : '';
	const total = Math.abs(Math.round(minutes));
	const hours = Math.floor(total / 60);
	const rest = total % 60;
	const text =
		hours === 0
			? m.duration_minutes({ minutes: rest }, { locale })
			: rest === 0
				? m.duration_hours({ hours }, { locale })
				: m.duration_hours_minutes({ hours, minutes: rest }, { locale });
	return sign + text;
}

export function formatDate(date: IsoDate, locale: Locale): string {
	if (!isValidIsoDate(date)) return date;
	return new Intl.DateTimeFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', {
		day: 'numeric',
		month: 'long',
		timeZone: 'UTC'
	}).format(new Date(`${date}T12:00:00Z`));
}

function list(items: string[], locale: Locale, type: 'conjunction' | 'disjunction'): string {
	return new Intl.ListFormat(locale === 'sv' ? 'sv' : 'en', { style: 'long', type }).format(items);
}

/** A catalogue name inside a sentence: "delegering insulin", not "Delegering insulin". */
const inSentence = (name: string) => name.charAt(0).toLocaleLowerCase('sv') + name.slice(1);

/** Text that opens a sentence starts with a capital ("En okänd person …"). */
const opening = (text: string) => text.charAt(0).toLocaleUpperCase('sv') + text.slice(1);

/** The names of assignees, with someone nobody in the organisation knows as "an unknown person". */
function staffList(
	people: { name: string | null }[],
	locale: Locale,
	type: 'conjunction' | 'disjunction'
): string {
	const names = people.map((p) => p.name ?? m.rules_verdict_unknown_person({}, { locale }));
	return opening(list(names, locale, type));
}

function periodLabel(
	period: { kind: 'week' | 'month'; key: string; start: IsoDate; end: IsoDate },
	facts: VerdictFacts
): string {
	const { locale } = facts;
	const current = isValidIsoDate(facts.today) && isWithin(facts.today, period);
	if (period.kind === 'week') {
		return current
			? m.verdict_period_this_week({}, { locale })
			: m.verdict_period_week({ week: Number(period.key.slice(-2)) }, { locale });
	}
	if (current) return m.verdict_period_this_month({}, { locale });
	const month = new Intl.DateTimeFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', {
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	}).format(new Date(`${period.start}T12:00:00Z`));
	return m.verdict_period_month({ month }, { locale });
}

const MALFORMED: Record<string, (locale: Locale) => string> = {
	'unknown-client': (locale) => m.verdict_malformed_unknown_client({}, { locale }),
	'invalid-date': (locale) => m.verdict_malformed_invalid_date({}, { locale }),
	'date-outside-week': (locale) => m.verdict_malformed_date_outside_week({}, { locale }),
	'invalid-minutes': (locale) => m.verdict_malformed_invalid_minutes({}, { locale }),
	'unknown-day-part': (locale) => m.verdict_malformed_unknown_day_part({}, { locale }),
	'unknown-status': (locale) => m.verdict_malformed_unknown_status({}, { locale }),
	'no-services': (locale) => m.verdict_malformed_no_services({}, { locale }),
	'unknown-service': (locale) => m.verdict_malformed_unknown_service({}, { locale }),
	'duplicate-visit': (locale) => m.verdict_malformed_duplicate({}, { locale })
};

function ruleSentences(v: VerdictViolation, facts: VerdictFacts, day: string): string[] {
	const { locale } = facts;
	switch (v.rule) {
		case 'decision-validity': {
			const sentences = [
				m.verdict_validity(
					{ client: facts.clientName, date: formatDate(v.date, locale) },
					{ locale }
				)
			];
			if (!v.nearest) sentences.push(m.verdict_validity_none({}, { locale }));
			else if (v.nearest.validFrom > v.date) {
				sentences.push(
					m.verdict_validity_from({ from: formatDate(v.nearest.validFrom, locale) }, { locale })
				);
			} else if (v.nearest.validTo) {
				sentences.push(
					m.verdict_validity_until({ to: formatDate(v.nearest.validTo, locale) }, { locale })
				);
			}
			return sentences;
		}
		case 'decision-scope': {
			const names = (codes: string[]) =>
				list(
					codes.map((c) => inSentence(facts.serviceName(c, locale))),
					locale,
					'conjunction'
				);
			const sentences = [
				m.verdict_scope({ client: facts.clientName, services: names(v.notGranted) }, { locale })
			];
			if (v.granted.length > 0) {
				sentences.push(m.verdict_scope_granted({ services: names(v.granted) }, { locale }));
			}
			return sentences;
		}
		case 'frame-limit': {
			const numbers = {
				period: periodLabel(v.period, facts),
				frame: formatMinutes(v.frameMinutes, locale),
				tolerance: formatMinutes(v.toleranceMinutes, locale),
				used: formatMinutes(v.usedMinutes, locale),
				planned: formatMinutes(v.plannedMinutes, locale),
				added: formatMinutes(v.addedMinutes, locale)
			};
			return [
				v.toleranceMinutes > 0
					? m.verdict_frame_tolerance(numbers, { locale })
					: m.verdict_frame(numbers, { locale }),
				v.leftMinutes > 0
					? m.verdict_frame_left({ left: formatMinutes(v.leftMinutes, locale) }, { locale })
					: m.verdict_frame_none_left({}, { locale })
			];
		}
		case 'competence': {
			const sentences = v.missing.map((miss) =>
				m.verdict_competence(
					{
						staff: miss.name,
						competences: list(
							miss.competences.map((c) => inSentence(facts.competenceName(c, locale))),
							locale,
							'conjunction'
						),
						date: day
					},
					{ locale }
				)
			);
			sentences.push(
				v.qualified.length > 0
					? m.verdict_competence_qualified(
							{
								staff: list(
									v.qualified.map((q) => q.name),
									locale,
									'disjunction'
								)
							},
							{ locale }
						)
					: m.verdict_competence_nobody({}, { locale })
			);
			return sentences;
		}
		case 'malformed': {
			if (v.reason === 'unknown-assignee' && v.offDuty && v.offDuty.length > 0 && v.date) {
				const date = formatDate(v.date, locale);
				const absent = v.offDuty.filter((s) => s.absent);
				const elsewhere = v.offDuty.filter((s) => !s.absent);
				const sentences: string[] = [];
				if (absent.length > 0) {
					sentences.push(
						m.verdict_malformed_absent(
							{ staff: staffList(absent, locale, 'conjunction'), date },
							{ locale }
						)
					);
				}
				if (elsewhere.length > 0) {
					sentences.push(
						m.verdict_malformed_unknown_assignee(
							{ staff: staffList(elsewhere, locale, 'conjunction'), date },
							{ locale }
						)
					);
				}
				return sentences;
			}
			return [
				(MALFORMED[v.reason] ?? ((l) => m.verdict_malformed_layout({}, { locale: l })))(locale)
			];
		}
	}
}

/** What a visit whose status alone was undone is now: cancelled, or back as it was. */
function statusOutcome(status: VisitStatus | undefined, locale: Locale): string {
	switch (status) {
		case 'cancelled':
			return m.verdict_undone_cancelled({}, { locale });
		case 'planned':
			return m.rules_verdict_undone_planned({}, { locale });
		case 'done':
			return m.rules_verdict_undone_done({}, { locale });
		case 'declined':
			return m.rules_verdict_undone_declined({}, { locale });
		default:
			return m.verdict_undone_changes({}, { locale });
	}
}

/**
 * The verdict's message: the rule with its numbers, what would be allowed, and what the
 * server undid (nothing, for a command that was refused before it changed anything). `date`
 * is the visit's date, for rules that name the day; `status` the visit's status once the
 * verdict is carried out, so that a status put back is named as it is — a new visit cancelled
 * instead, or a visit back to planned or done — never guessed.
 */
export function verdictMessage(
	violation: VerdictViolation,
	undone: Undone,
	facts: VerdictFacts,
	date?: IsoDate,
	status?: VisitStatus
): string {
	const { locale } = facts;
	const day = date ? formatDate(date, locale) : '';
	const sentences = ruleSentences(violation, facts, day);
	let outcome: string;
	if (undone.length === 0) return sentences.join(' ');
	if (undone.includes('visit')) outcome = m.verdict_undone_removed({}, { locale });
	else if (undone.length === 1 && undone[0] === 'status') {
		outcome = statusOutcome(status, locale);
	} else if (
		undone.length === 1 &&
		undone[0] === 'assignees' &&
		violation.rule === 'malformed' &&
		violation.offDuty?.length
	) {
		const staff = staffList(violation.offDuty, locale, 'conjunction');
		outcome =
			violation.offDuty.length === 1
				? m.verdict_undone_assignees({ staff }, { locale })
				: m.verdict_undone_assignees_many({ staff }, { locale });
	} else outcome = m.verdict_undone_changes({}, { locale });
	return [...sentences, outcome].join(' ');
}
