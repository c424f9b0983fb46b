import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	MONDAY,
	SERVICES,
	competence,
	decision,
	ruleContext,
	staffMember,
	team,
	visit,
	visitArb
} from '../../../tests/fixtures/domain';
import { STANDARD_SERVICES } from './catalogue';
import { addDays, isoWeekRange, monthRange } from './periods';
import {
	checkVisit,
	malformedReason,
	qualifiedStaff,
	requiredCompetences,
	staffCanTake
} from './rules';
import type { FramePeriodRange, RuleContext, Violation, Visit } from './types';

const rulesOf = (violations: Violation[]) => violations.map((v) => v.rule);

/** Casts a visit with wrong field types, as it could arrive from a misbehaving client. */
const raw = (fields: Record<string, unknown>): Visit => visit(fields as Partial<Visit>);

describe('malformed visits', () => {
	const cases: [string, Visit, RuleContext?][] = [
		['[M1] unknown client', visit(), ruleContext({ client: undefined })],
		['[M1] client of another id', visit({ clientId: 'client-2' })],
		['[M2] not a calendar date', visit({ date: '2026-11-31' })],
		['[M2] not a date at all', raw({ date: 20261123 })],
		['[M3] the Sunday before the doc week', visit({ date: '2026-11-22' })],
		['[M3] the Monday after the doc week', visit({ date: '2026-11-30' })],
		['[M3] a doc week that does not exist', visit(), ruleContext({ docWeek: '2026-W54' })],
		['[M4] 0 minutes', visit({ minutes: 0 })],
		['[M4] not a multiple of 5', visit({ minutes: 33 })],
		['[M4] more than 480 minutes', visit({ minutes: 485 })],
		['[M4] negative minutes', visit({ minutes: -5 })],
		['[M4] fractional minutes', visit({ minutes: 7.5 })],
		['[M4] NaN minutes', visit({ minutes: Number.NaN })],
		['[M4] minutes as text', raw({ minutes: '30' })],
		['[M5] unknown day part', raw({ dayPart: 'night' })],
		['[M6] unknown status', raw({ status: 'postponed' })],
		['[M7] no services', visit({ services: [] })],
		['[M8] unknown service', visit({ services: ['meals', 'massage'] })],
		['[M8] inherited property name as service', visit({ services: ['constructor'] })],
		['[M8] services not a list', raw({ services: 'meals' })],
		['[M9] assignee not in the team that day', visit({ assignees: ['anna', 'zoltan'] })],
		['[M9] assignees not a list', raw({ assignees: 'anna' })]
	];

	for (const [name, v, ctx] of cases) {
		it(`${name} is refused as malformed`, () => {
			const violations = checkVisit(v, ctx ?? ruleContext());
			expect(violations).toHaveLength(1);
			expect(violations[0].rule).toBe('malformed');
		});
	}

	it('[M1–M9] names the first broken layout rule with a stable reason code', () => {
		expect(checkVisit(visit({ minutes: 0, services: [] }), ruleContext())).toEqual([
			{ rule: 'malformed', reason: 'invalid-minutes' }
		]);
		expect(malformedReason(visit({ assignees: ['nobody'] }), ruleContext())).toBe(
			'unknown-assignee'
		);
		expect(malformedReason(visit({ date: '2026-12-01' }), ruleContext())).toBe('date-outside-week');
		expect(malformedReason(visit({ services: [] }), ruleContext())).toBe('no-services');
	});

	it('[M4] accepts the smallest and the largest estimate', () => {
		expect(checkVisit(visit({ minutes: 5 }), ruleContext())).toEqual([]);
		expect(checkVisit(visit({ minutes: 480 }), ruleContext())).toEqual([]);
	});

	it('[M3] accepts every day of the doc week, Monday to Sunday', () => {
		for (let i = 0; i < 7; i++) {
			expect(checkVisit(visit({ date: addDays(MONDAY, i) }), ruleContext())).toEqual([]);
		}
	});

	it('[M1–M9] a malformed visit reports only that, even when it breaks other rules too', () => {
		const violations = checkVisit(
			visit({ services: ['insulin', 'massage'], assignees: ['bertil'], minutes: 480 }),
			ruleContext({ decisions: [], usage: { usedMinutes: 600, otherPlannedMinutes: 0 } })
		);
		expect(violations).toEqual([{ rule: 'malformed', reason: 'unknown-service' }]);
	});

	it('[M1–M9] cancelled and declined visits must still be well formed', () => {
		expect(rulesOf(checkVisit(visit({ status: 'cancelled', minutes: 3 }), ruleContext()))).toEqual([
			'malformed'
		]);
		expect(rulesOf(checkVisit(visit({ status: 'declined', services: [] }), ruleContext()))).toEqual(
			['malformed']
		);
	});
});

describe('[DL1] decision validity', () => {
	it('[DL1] a client can be planned on the first and the last day of a decision', () => {
		const ctx = ruleContext({
			decisions: [decision({ validFrom: MONDAY, validTo: addDays(MONDAY, 6) })]
		});
		expect(checkVisit(visit({ date: MONDAY }), ctx)).toEqual([]);
		expect(checkVisit(visit({ date: addDays(MONDAY, 6) }), ctx)).toEqual([]);
	});

	it('[DL1] a client cannot be planned after the decision has ended; the verdict names it', () => {
		const ctx = ruleContext({
			decisions: [decision({ validFrom: '2026-01-01', validTo: '2026-11-25' })]
		});
		expect(checkVisit(visit({ date: '2026-11-25' }), ctx)).toEqual([]);
		expect(checkVisit(visit({ date: '2026-11-26' }), ctx)).toEqual([
			{
				rule: 'decision-validity',
				date: '2026-11-26',
				nearest: { validFrom: '2026-01-01', validTo: '2026-11-25' }
			}
		]);
	});

	it('[DL1] before a decision starts the verdict points to the coming one', () => {
		const ctx = ruleContext({
			decisions: [
				decision({ id: 'old', validFrom: '2026-01-01', validTo: '2026-11-23' }),
				decision({ id: 'new', validFrom: '2026-11-27', validTo: null })
			]
		});
		// Wednesday is 2 days after the old one and 2 days before the new one.
		expect(checkVisit(visit({ date: '2026-11-25' }), ctx)).toEqual([
			{
				rule: 'decision-validity',
				date: '2026-11-25',
				nearest: { validFrom: '2026-11-27', validTo: null }
			}
		]);
		expect(checkVisit(visit({ date: '2026-11-24' }), ctx)).toMatchObject([
			{ nearest: { validFrom: '2026-01-01' } }
		]);
	});

	it('[DL1] a client without any decision cannot be planned, and nothing is suggested', () => {
		expect(checkVisit(visit(), ruleContext({ decisions: [] }))).toEqual([
			{ rule: 'decision-validity', date: MONDAY }
		]);
	});

	it("[DL1] another client's decision does not count", () => {
		expect(
			rulesOf(checkVisit(visit(), ruleContext({ decisions: [decision({ clientId: 'client-2' })] })))
		).toEqual(['decision-validity']);
	});

	it('[DL1] a visit marked done needs a decision too', () => {
		expect(rulesOf(checkVisit(visit({ status: 'done' }), ruleContext({ decisions: [] })))).toEqual([
			'decision-validity'
		]);
	});

	it('[DL1] without a decision, scope and frame are not judged, competence still is', () => {
		const violations = checkVisit(
			visit({ services: ['insulin'], assignees: ['bertil'], minutes: 480 }),
			ruleContext({ decisions: [], usage: { usedMinutes: 10_000, otherPlannedMinutes: 0 } })
		);
		expect(rulesOf(violations)).toEqual(['decision-validity', 'competence']);
	});
});

describe('[DL2] decision scope', () => {
	const ctx = ruleContext({ decisions: [decision({ services: ['meals', 'cleaning'] })] });

	it('[DL2] a visit may hold only services the decision grants', () => {
		expect(checkVisit(visit({ services: ['meals', 'cleaning'] }), ctx)).toEqual([]);
		expect(checkVisit(visit({ services: ['meals', 'shower', 'walk'] }), ctx)).toEqual([
			{ rule: 'decision-scope', notGranted: ['shower', 'walk'], granted: ['meals', 'cleaning'] }
		]);
	});

	it('[DL2] the decision valid on the visit date decides the scope', () => {
		const changing = ruleContext({
			decisions: [
				decision({ id: 'old', validTo: '2026-11-25', services: ['meals'] }),
				decision({ id: 'new', validFrom: '2026-11-26', services: ['meals', 'shower'] })
			]
		});
		expect(
			rulesOf(checkVisit(visit({ date: '2026-11-25', services: ['shower'] }), changing))
		).toEqual(['decision-scope']);
		expect(checkVisit(visit({ date: '2026-11-26', services: ['shower'] }), changing)).toEqual([]);
	});

	it('[DL2] a visit marked done is held to the scope too', () => {
		expect(rulesOf(checkVisit(visit({ status: 'done', services: ['shower'] }), ctx))).toEqual([
			'decision-scope'
		]);
	});
});

describe('[DL3] frame', () => {
	const weekly = (frameMinutes: number) => [decision({ frameMinutes, framePeriod: 'week' })];

	it('[DL3] a plan may use the frame exactly, not one minute more', () => {
		const ctx = ruleContext({
			decisions: weekly(600),
			usage: { usedMinutes: 500, otherPlannedMinutes: 70 }
		});
		expect(checkVisit(visit({ minutes: 30 }), ctx)).toEqual([]);
		expect(checkVisit(visit({ minutes: 35 }), ctx)).toEqual([
			{
				rule: 'frame-limit',
				period: isoWeekRange('2026-W48'),
				frameMinutes: 600,
				toleranceMinutes: 0,
				usedMinutes: 500,
				plannedMinutes: 70,
				addedMinutes: 35,
				leftMinutes: 30
			}
		]);
	});

	it('[DL3] the boundary is exact to the minute for any usage', () => {
		fc.assert(
			fc.property(
				fc.nat(3000),
				fc.nat(3000),
				fc.nat(3000),
				fc.nat(60),
				fc.integer({ min: 1, max: 96 }).map((n) => n * 5),
				(frameMinutes, usedMinutes, otherPlannedMinutes, tolerance, minutes) => {
					const ctx = ruleContext({
						decisions: weekly(frameMinutes),
						frameToleranceMinutes: tolerance,
						usage: { usedMinutes, otherPlannedMinutes }
					});
					const refused = rulesOf(checkVisit(visit({ minutes }), ctx)).includes('frame-limit');
					expect(refused).toBe(
						usedMinutes + otherPlannedMinutes + minutes > frameMinutes + tolerance
					);
				}
			)
		);
	});

	it('[DL3] the tolerance lets a plan exceed the frame by that much', () => {
		const ctx = (tolerance: number) =>
			ruleContext({
				decisions: weekly(600),
				frameToleranceMinutes: tolerance,
				usage: { usedMinutes: 600, otherPlannedMinutes: 0 }
			});
		expect(checkVisit(visit({ minutes: 30 }), ctx(30))).toEqual([]);
		expect(checkVisit(visit({ minutes: 35 }), ctx(30))).toMatchObject([
			{ rule: 'frame-limit', toleranceMinutes: 30, leftMinutes: 30 }
		]);
	});

	it('[DL3] a monthly frame is counted over the calendar month of the visit', () => {
		const asked: FramePeriodRange[] = [];
		const ctx = ruleContext({
			docWeek: '2026-W49',
			decisions: [decision({ frameMinutes: 1200, framePeriod: 'month' })],
			usage: (period) => {
				asked.push(period);
				return period.key === '2026-12'
					? { usedMinutes: 1190, otherPlannedMinutes: 0 }
					: { usedMinutes: 0, otherPlannedMinutes: 0 };
			}
		});
		// 2026-W49 runs from Monday 30 November to Sunday 6 December.
		expect(checkVisit(visit({ date: '2026-11-30', minutes: 60 }), ctx)).toEqual([]);
		expect(checkVisit(visit({ date: '2026-12-01', minutes: 60 }), ctx)).toMatchObject([
			{ rule: 'frame-limit', period: monthRange('2026-12'), leftMinutes: 10, addedMinutes: 60 }
		]);
		expect(asked.map((p) => p.key)).toEqual(['2026-11', '2026-12']);
	});

	it('[DL3] the verdict says what the change adds compared with the visit before it', () => {
		const ctx = ruleContext({
			decisions: weekly(600),
			usage: { usedMinutes: 560, otherPlannedMinutes: 0 },
			previous: visit({ minutes: 30 })
		});
		expect(checkVisit(visit({ minutes: 40 }), ctx)).toEqual([]);
		expect(checkVisit(visit({ minutes: 60 }), ctx)).toMatchObject([
			{ rule: 'frame-limit', addedMinutes: 30, leftMinutes: 40 }
		]);
	});

	it('[DL3] a visit moved in from another period adds all its minutes', () => {
		const ctx = ruleContext({
			decisions: weekly(600),
			usage: { usedMinutes: 560, otherPlannedMinutes: 0 },
			previous: visit({ date: addDays(MONDAY, -1), minutes: 60 })
		});
		expect(checkVisit(visit({ minutes: 60 }), ctx)).toMatchObject([
			{ rule: 'frame-limit', addedMinutes: 60 }
		]);
	});

	it('[DL3] a visit taken back from done to planned adds all its minutes once time was recorded', () => {
		const ctx = ruleContext({
			decisions: weekly(600),
			usage: { usedMinutes: 560, otherPlannedMinutes: 0 },
			previous: visit({ minutes: 60, status: 'done' }),
			reported: () => true
		});
		expect(checkVisit(visit({ minutes: 60 }), ctx)).toMatchObject([
			{ rule: 'frame-limit', addedMinutes: 60 }
		]);
	});

	it('[F4] a visit taken back from done before any report adds nothing: it held its minutes', () => {
		const ctx = ruleContext({
			decisions: weekly(600),
			usage: { usedMinutes: 560, otherPlannedMinutes: 0 },
			previous: visit({ minutes: 60, status: 'done' })
		});
		expect(checkVisit(visit({ minutes: 60 }), ctx)).toEqual([]);
	});

	it('[DL3] in a period overdrawn by recorded time the team may still rearrange and shorten', () => {
		const ctx = ruleContext({
			decisions: weekly(600),
			usage: { usedMinutes: 650, otherPlannedMinutes: 90 },
			previous: visit({ minutes: 60, dayPart: 'morning', assignees: [] })
		});
		expect(
			checkVisit(visit({ minutes: 60, dayPart: 'evening', assignees: ['anna'] }), ctx)
		).toEqual([]);
		expect(checkVisit(visit({ minutes: 45 }), ctx)).toEqual([]);
		expect(checkVisit(visit({ minutes: 65 }), ctx)).toMatchObject([
			{ rule: 'frame-limit', addedMinutes: 5, leftMinutes: 0 }
		]);
	});

	it('[DL3] a visit done and reported plans nothing and is never refused for the frame', () => {
		const ctx = ruleContext({
			decisions: weekly(60),
			usage: { usedMinutes: 600, otherPlannedMinutes: 0 },
			reported: (id) => id === 'visit-1'
		});
		expect(checkVisit(visit({ status: 'done', minutes: 480 }), ctx)).toEqual([]);
	});

	it('[F4] a visit marked done before its time is recorded still holds its estimate', () => {
		const ctx = ruleContext({
			decisions: weekly(120),
			usage: { usedMinutes: 0, otherPlannedMinutes: 60 },
			previous: visit({ minutes: 60 })
		});
		// Marking it done frees nothing and adds nothing: accepted.
		expect(checkVisit(visit({ status: 'done', minutes: 60 }), ctx)).toEqual([]);
		// It is still judged on the frame: raising its estimate beyond the frame is refused.
		expect(checkVisit(visit({ status: 'done', minutes: 90 }), ctx)).toMatchObject([
			{ rule: 'frame-limit', addedMinutes: 30, leftMinutes: 60 }
		]);
	});

	it('[DL3] a new planned visit the check accepts never takes the period beyond frame + tolerance', () => {
		fc.assert(
			fc.property(
				visitArb,
				fc.nat(2400),
				fc.nat(2400),
				fc.nat(2400),
				fc.nat(30),
				fc.constantFrom('week' as const, 'month' as const),
				(v, frameMinutes, usedMinutes, otherPlannedMinutes, tolerance, framePeriod) => {
					const planned = { ...v, status: 'planned' as const };
					const ctx = ruleContext({
						decisions: [decision({ frameMinutes, framePeriod })],
						frameToleranceMinutes: tolerance,
						usage: { usedMinutes, otherPlannedMinutes }
					});
					const accepted = !rulesOf(checkVisit(planned, ctx)).includes('frame-limit');
					if (accepted) {
						expect(usedMinutes + otherPlannedMinutes + planned.minutes).toBeLessThanOrEqual(
							frameMinutes + tolerance
						);
					} else {
						expect(usedMinutes + otherPlannedMinutes + planned.minutes).toBeGreaterThan(
							frameMinutes + tolerance
						);
					}
				}
			)
		);
	});

	it('[DL3] an accepted change never adds minutes to a period beyond frame + tolerance', () => {
		fc.assert(
			fc.property(
				visitArb,
				visitArb,
				fc.nat(2400),
				fc.nat(2400),
				fc.nat(2400),
				fc.boolean(),
				(v, previous, frameMinutes, usedMinutes, otherPlannedMinutes, reported) => {
					const planned = { ...v, status: 'planned' as const };
					const ctx = ruleContext({
						decisions: [decision({ frameMinutes })],
						usage: { usedMinutes, otherPlannedMinutes },
						previous,
						reported: () => reported
					});
					// What the previous state held (F4): planned, or done and not yet reported.
					const held = previous.status === 'planned' || (previous.status === 'done' && !reported);
					const before = held ? previous.minutes : 0;
					const after = usedMinutes + otherPlannedMinutes + planned.minutes;
					const accepted = !rulesOf(checkVisit(planned, ctx)).includes('frame-limit');
					if (accepted && planned.minutes > before) {
						expect(after).toBeLessThanOrEqual(frameMinutes);
					}
					if (after <= frameMinutes) expect(accepted).toBe(true);
				}
			)
		);
	});
});

describe('[C1] competence', () => {
	it('[C1] an assignee without the insulin delegation cannot take insulin; the verdict names who can', () => {
		const violations = checkVisit(
			visit({ services: ['insulin', 'meals'], assignees: ['bertil'] }),
			ruleContext()
		);
		expect(violations).toEqual([
			{
				rule: 'competence',
				missing: [{ staffId: 'bertil', name: 'Bertil Ek', competences: ['insulin-delegation'] }],
				qualified: [
					{ staffId: 'anna', name: 'Anna Lind' },
					{ staffId: 'ellen', name: 'Ellen Åkesson' }
				]
			}
		]);
	});

	it('[C1] every assignee must hold every required competence; only those lacking are named', () => {
		const violations = checkVisit(
			visit({
				services: ['personal-care', 'medication'],
				assignees: ['anna', 'cecilia', 'bertil']
			}),
			ruleContext()
		);
		expect(violations).toMatchObject([
			{
				rule: 'competence',
				missing: [
					{ staffId: 'cecilia', competences: ['medication-delegation'] },
					{ staffId: 'bertil', competences: ['care-training', 'medication-delegation'] }
				],
				qualified: [{ staffId: 'dana', name: 'Dana Öberg' }]
			}
		]);
	});

	it('[C1] a delegation counts on its last day and not the day after', () => {
		const staff = {
			frida: staffMember('frida', 'Frida Nord', [
				competence('insulin-delegation', '2025-11-26', '2026-11-25')
			])
		};
		const ctx = ruleContext({ staff });
		expect(
			checkVisit(visit({ date: '2026-11-25', services: ['insulin'], assignees: ['frida'] }), ctx)
		).toEqual([]);
		expect(
			checkVisit(visit({ date: '2026-11-26', services: ['insulin'], assignees: ['frida'] }), ctx)
		).toEqual([
			{
				rule: 'competence',
				missing: [{ staffId: 'frida', name: 'Frida Nord', competences: ['insulin-delegation'] }],
				qualified: []
			}
		]);
	});

	it('[C1] a delegation issued for a later date does not count yet', () => {
		const staff = {
			frida: staffMember('frida', 'Frida Nord', [
				competence('insulin-delegation', '2026-11-25', null)
			])
		};
		const ctx = ruleContext({ staff });
		expect(
			rulesOf(
				checkVisit(visit({ date: '2026-11-24', services: ['insulin'], assignees: ['frida'] }), ctx)
			)
		).toEqual(['competence']);
		expect(
			checkVisit(visit({ date: '2026-11-25', services: ['insulin'], assignees: ['frida'] }), ctx)
		).toEqual([]);
	});

	it('[C1] a visit nobody has taken yet breaks no competence rule', () => {
		expect(checkVisit(visit({ services: ['insulin'], assignees: [] }), ruleContext())).toEqual([]);
	});

	it('[C1] services that require nothing can be taken by anyone in the team', () => {
		expect(
			checkVisit(visit({ services: ['meals', 'shopping'], assignees: ['bertil'] }), ruleContext())
		).toEqual([]);
	});

	it('[C1] a visit marked done is held to competence too', () => {
		expect(
			rulesOf(
				checkVisit(
					visit({ status: 'done', services: ['insulin'], assignees: ['bertil'] }),
					ruleContext()
				)
			)
		).toEqual(['competence']);
	});

	it('[C1] removing an assignee never creates a competence violation', () => {
		fc.assert(
			fc.property(visitArb, fc.nat(), (v, pick) => {
				fc.pre(v.assignees.length > 0);
				const ctx = ruleContext();
				const fewer = {
					...v,
					assignees: v.assignees.filter((_, i) => i !== pick % v.assignees.length)
				};
				const before = rulesOf(checkVisit(v, ctx)).includes('competence');
				const after = rulesOf(checkVisit(fewer, ctx)).includes('competence');
				expect(!before && after).toBe(false);
			})
		);
	});

	it('[C1] the board greys out exactly the people the server would refuse', () => {
		const ctx = ruleContext();
		fc.assert(
			fc.property(visitArb, fc.constantFrom(...Object.keys(ctx.staff)), (v, staffId) => {
				const going = { ...v, status: 'planned' as const, assignees: [staffId] };
				const refused = rulesOf(checkVisit(going, ctx)).includes('competence');
				expect(staffCanTake(ctx.staff[staffId], going.services, ctx.services, going.date)).toBe(
					!refused
				);
			})
		);
	});

	it('[C1] everyone suggested as qualified could take the visit', () => {
		fc.assert(
			fc.property(visitArb, (v) => {
				const ctx = ruleContext();
				for (const violation of checkVisit(v, ctx)) {
					if (violation.rule !== 'competence') continue;
					expect(violation.missing.length).toBeGreaterThan(0);
					for (const { staffId } of violation.qualified) {
						expect(v.assignees).not.toContain(staffId);
						const alone = { ...v, assignees: [staffId] };
						expect(rulesOf(checkVisit(alone, ctx))).not.toContain('competence');
					}
				}
			})
		);
	});
});

describe('several rules and statuses', () => {
	it('[DL2][DL3][C1] a visit can break several rules at once; all are reported', () => {
		const violations = checkVisit(
			visit({ services: ['insulin', 'walk'], assignees: ['bertil'], minutes: 120 }),
			ruleContext({
				decisions: [decision({ frameMinutes: 600, services: ['insulin'] })],
				usage: { usedMinutes: 540, otherPlannedMinutes: 0 }
			})
		);
		expect(rulesOf(violations)).toEqual(['decision-scope', 'frame-limit', 'competence']);
	});

	it('[DL1][DL2][DL3][C1] cancelled and declined visits never break decision or competence rules', () => {
		fc.assert(
			fc.property(
				visitArb,
				fc.constantFrom('cancelled' as const, 'declined' as const),
				fc.boolean(),
				(v, status, hasDecision) => {
					const ctx = ruleContext({
						decisions: hasDecision ? [decision({ frameMinutes: 0, services: ['meals'] })] : [],
						usage: { usedMinutes: 10_000, otherPlannedMinutes: 10_000 }
					});
					expect(checkVisit({ ...v, status }, ctx)).toEqual([]);
				}
			)
		);
	});

	it('the check is pure: same input, same answer, inputs untouched', () => {
		fc.assert(
			fc.property(visitArb, (v) => {
				const ctx = ruleContext({ usage: { usedMinutes: 300, otherPlannedMinutes: 200 } });
				const copy = structuredClone(v);
				expect(checkVisit(v, ctx)).toEqual(checkVisit(v, ctx));
				expect(v).toEqual(copy);
			})
		);
	});
});

describe('helpers for the board', () => {
	it('[C1] lists the competences a set of services requires, once each', () => {
		expect(requiredCompetences(['personal-care', 'shower', 'insulin', 'meals'], SERVICES)).toEqual([
			'care-training',
			'insulin-delegation'
		]);
		expect(requiredCompetences(['meals'], STANDARD_SERVICES)).toEqual([]);
		expect(requiredCompetences(['lift'], STANDARD_SERVICES)).toEqual(['lift-training']);
		expect(requiredCompetences(['unknown'], SERVICES)).toEqual([]);
	});

	it('[C1] tells whether a person can take a set of services on a date', () => {
		const staff = team();
		expect(staffCanTake(staff.anna, ['insulin', 'lift'], STANDARD_SERVICES, MONDAY)).toBe(true);
		expect(staffCanTake(staff.bertil, ['insulin'], SERVICES, MONDAY)).toBe(false);
		expect(staffCanTake(staff.bertil, ['walk', 'social'], SERVICES, MONDAY)).toBe(true);
	});

	it('[C1] sorts qualified staff by name the Swedish way', () => {
		const staff = {
			a: staffMember('a', 'Åsa Berg'),
			b: staffMember('b', 'Örjan Lind'),
			c: staffMember('c', 'Ärla Nyström'),
			d: staffMember('d', 'Zara Holm')
		};
		expect(qualifiedStaff(staff, [], MONDAY).map((s) => s.name)).toEqual([
			'Zara Holm',
			'Åsa Berg',
			'Ärla Nyström',
			'Örjan Lind'
		]);
	});
});
