import { describe, expect, it } from 'vitest';
import { STANDARD_COMPETENCES, STANDARD_SERVICES } from '$lib/domain/catalogue';
import { formatMinutes, verdictMessage, type VerdictFacts } from './verdict-text';

const facts = (locale: 'sv' | 'en', today = '2026-11-23'): VerdictFacts => ({
	locale,
	today,
	clientName: 'Ingrid Åberg',
	serviceName: (code, l) => STANDARD_SERVICES.find((s) => s.code === code)?.[l] ?? code,
	competenceName: (code, l) => STANDARD_COMPETENCES.find((c) => c.code === code)?.[l] ?? code
});

const november = { kind: 'month' as const, key: '2026-11', start: '2026-11-01', end: '2026-11-30' };

describe('verdict text', () => {
	it('formats frame time the way the team says it', () => {
		expect(formatMinutes(0, 'sv')).toBe('0 min');
		expect(formatMinutes(45, 'sv')).toBe('45 min');
		expect(formatMinutes(1200, 'sv')).toBe('20 h');
		expect(formatMinutes(330, 'en')).toBe('5 h 30 min');
	});

	it('[DL3] names the frame, what is used and planned, what the change adds and what is left', () => {
		const violation = {
			rule: 'frame-limit' as const,
			period: november,
			frameMinutes: 1200,
			toleranceMinutes: 0,
			usedMinutes: 840,
			plannedMinutes: 330,
			addedMinutes: 60,
			leftMinutes: 30
		};
		expect(verdictMessage(violation, ['minutes'], facts('sv'))).toBe(
			'Ramtiden denna månad: 20 h. Använt 14 h, planerat 5 h 30 min. Ändringen lägger till 1 h. ' +
				'Det finns 30 min kvar att planera. Ändringen är ångrad.'
		);
		expect(verdictMessage(violation, ['minutes'], facts('en', '2027-01-10'))).toBe(
			'Frame in November 2026: 20 h. Used 14 h, planned 5 h 30 min. This change adds 1 h. ' +
				'30 min is left to plan. The change was undone.'
		);
		expect(
			verdictMessage(
				{ ...violation, leftMinutes: 0, toleranceMinutes: 15 },
				['status'],
				facts('sv'),
				undefined,
				'cancelled'
			)
		).toBe(
			'Ramtiden denna månad: 20 h (med tolerans 15 min). Använt 14 h, planerat 5 h 30 min. ' +
				'Ändringen lägger till 1 h. Det finns ingen tid kvar att planera. Besöket är markerat som inställt.'
		);
	});

	it('[C1] names who lacks which delegation and who in the team could take the visit', () => {
		const violation = {
			rule: 'competence' as const,
			missing: [{ staffId: 'b', name: 'Bertil Ek', competences: ['insulin-delegation'] }],
			qualified: [
				{ staffId: 'a', name: 'Anna Lind' },
				{ staffId: 'c', name: 'Cecilia Holm' }
			]
		};
		expect(verdictMessage(violation, ['assignees'], facts('sv'), '2026-11-24')).toBe(
			'Bertil Ek saknar delegering insulin den 24 november. Anna Lind eller Cecilia Holm kan ta besöket. ' +
				'Ändringen är ångrad.'
		);
		expect(
			verdictMessage({ ...violation, qualified: [] }, ['visit'], facts('en'), '2026-11-24')
		).toBe(
			'Bertil Ek lacks insulin delegation on 24 November. Nobody in the team holds it that day. ' +
				'The visit was removed.'
		);
	});

	it('[DL1] [DL2] names the decision that is missing or what it does not grant', () => {
		expect(
			verdictMessage(
				{
					rule: 'decision-validity',
					date: '2026-11-26',
					nearest: { validFrom: '2026-06-01', validTo: '2026-11-25' }
				},
				['date'],
				facts('sv')
			)
		).toBe(
			'Ingrid Åberg har inget giltigt biståndsbeslut den 26 november. ' +
				'Beslutet gällde till och med den 25 november. Ändringen är ångrad.'
		);
		expect(
			verdictMessage(
				{ rule: 'decision-scope', notGranted: ['shower'], granted: ['meals', 'social'] },
				['services'],
				facts('sv')
			)
		).toBe(
			'Beslutet för Ingrid Åberg omfattar inte dusch. Beviljat: måltid och social samvaro. ' +
				'Ändringen är ångrad.'
		);
	});

	it('explains a malformed visit, and an absent assignee by name', () => {
		expect(
			verdictMessage({ rule: 'malformed', reason: 'invalid-minutes' }, ['minutes'], facts('sv'))
		).toBe('Tiden ska vara mellan 5 min och 8 h, i steg om 5 minuter. Ändringen är ångrad.');
		expect(
			verdictMessage(
				{
					rule: 'malformed',
					reason: 'unknown-assignee',
					date: '2026-11-24',
					offDuty: [{ staffId: 'a', name: 'Anna Lind', absent: true }]
				},
				['assignees'],
				facts('sv'),
				'2026-11-24'
			)
		).toBe('Anna Lind är frånvarande den 24 november. Anna Lind är borttagen från besöket.');
		expect(
			verdictMessage(
				{
					rule: 'malformed',
					reason: 'unknown-assignee',
					date: '2026-11-24',
					offDuty: [
						{ staffId: 'a', name: 'Anna Lind', absent: true },
						{ staffId: 'b', name: 'Bertil Ek', absent: false }
					]
				},
				['assignees'],
				facts('sv'),
				'2026-11-24'
			)
		).toBe(
			'Anna Lind är frånvarande den 24 november. Bertil Ek arbetar inte i teamet den 24 november. ' +
				'Anna Lind och Bertil Ek är borttagna från besöket.'
		);
		expect(verdictMessage({ rule: 'malformed', reason: 'whatever' }, ['visit'], facts('en'))).toBe(
			'The visit has the wrong format and could not be saved. The visit was removed.'
		);
	});

	it('names the status a visit was put back to, not "cancelled" for every status', () => {
		const frame = {
			rule: 'frame-limit' as const,
			period: november,
			frameMinutes: 1200,
			toleranceMinutes: 0,
			usedMinutes: 1140,
			plannedMinutes: 0,
			addedMinutes: 90,
			leftMinutes: 60
		};
		const outcome = (status: 'planned' | 'done' | 'declined' | 'cancelled', locale: 'sv' | 'en') =>
			verdictMessage(frame, ['status'], facts(locale), '2026-11-24', status).split('. ').pop();
		expect(outcome('done', 'sv')).toBe('Besöket är markerat som utfört igen.');
		expect(outcome('planned', 'sv')).toBe('Besöket är planerat igen.');
		expect(outcome('declined', 'sv')).toBe('Besöket är markerat som avböjt igen.');
		expect(outcome('cancelled', 'sv')).toBe('Besöket är markerat som inställt.');
		expect(outcome('done', 'en')).toBe('The visit is marked as done again.');
		// Without the status the message does not guess.
		expect(verdictMessage(frame, ['status'], facts('sv'))).toMatch(/Ändringen är ångrad\.$/);
	});

	it('names a colleague from another team, and never shows "?" for someone unknown', () => {
		const violation = {
			rule: 'malformed' as const,
			reason: 'unknown-assignee',
			date: '2026-11-24',
			offDuty: [
				{ staffId: 'e', name: 'Erik Sjö', absent: false },
				{ staffId: 'x', name: null, absent: false }
			]
		};
		expect(verdictMessage(violation, ['assignees'], facts('sv'), '2026-11-24')).toBe(
			'Erik Sjö och en okänd person arbetar inte i teamet den 24 november. ' +
				'Erik Sjö och en okänd person är borttagna från besöket.'
		);
		expect(
			verdictMessage(
				{ ...violation, offDuty: [{ staffId: 'x', name: null, absent: false }] },
				['assignees'],
				facts('en'),
				'2026-11-24'
			)
		).toBe(
			'An unknown person does not work in the team on 24 November. ' +
				'An unknown person was taken off the visit.'
		);
	});
});
