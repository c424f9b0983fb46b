/**
 * The demo's base plans: a handful of clients in each team with recurring visits (a shower on
 * Tuesdays and Fridays, cleaning on Wednesdays, lunch every day …), so next week's board fills
 * itself when it is first opened. Each client's plan stays well inside the frame, and a client
 * whose frame was overdrawn gets none (the team takes that up with the case officer first,
 * and in the month it happened no visit would fit). The current
 * week, seeded with visits already, is not filled on top: a board that has visits when it is
 * first loaded is left alone (SPEC.md B8). Deterministic for a given `today`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { addDays, compareDates } from '../../domain/periods';
import type { DayPart } from '../../domain/types';
import type { Db } from './client';
import * as schema from './schema';

interface DemoPattern {
	service: string;
	weekdays: number[];
	dayPart: DayPart;
	minutes: number;
	window?: string;
	note?: string;
}

/** What a client granted these services typically has every week, in order of preference. */
const CANDIDATES: DemoPattern[] = [
	{ service: 'shower', weekdays: [2, 5], dayPart: 'morning', minutes: 45, note: 'Duschpall finns' },
	{ service: 'cleaning', weekdays: [3], dayPart: 'afternoon', minutes: 60 },
	{ service: 'shopping', weekdays: [4], dayPart: 'afternoon', minutes: 45, note: 'Lista på kylen' },
	{ service: 'meals', weekdays: [1, 2, 3, 4, 5, 6, 7], dayPart: 'midday', minutes: 20 },
	{ service: 'walk', weekdays: [1], dayPart: 'afternoon', minutes: 40 },
	{ service: 'laundry', weekdays: [1], dayPart: 'morning', minutes: 30 },
	{ service: 'social', weekdays: [6], dayPart: 'afternoon', minutes: 30 }
];

/** Clients per team that get a base plan. */
const CLIENTS_PER_TEAM = 4;

export async function seedDemoBasePlans(
	db: Db,
	options: { organisationId: string; today: string }
): Promise<void> {
	const { organisationId, today } = options;
	// Plans only for decisions that run well past next week.
	const until = addDays(today, 35);
	const teams = await db
		.select({ id: schema.team.id })
		.from(schema.team)
		.where(eq(schema.team.organisationId, organisationId))
		.orderBy(asc(schema.team.name));
	const overdrawn = new Set(
		(
			await db
				.selectDistinct({ clientId: schema.timeEntry.clientId })
				.from(schema.timeEntry)
				.where(
					and(
						eq(schema.timeEntry.organisationId, organisationId),
						eq(schema.timeEntry.overdrawn, true)
					)
				)
		).map((r) => r.clientId)
	);
	for (const team of teams) {
		const clients = await db
			.select({ id: schema.client.id })
			.from(schema.client)
			.where(and(eq(schema.client.teamId, team.id), eq(schema.client.active, true)))
			.orderBy(asc(schema.client.name));
		const decisions = await db
			.select()
			.from(schema.decision)
			.where(
				inArray(
					schema.decision.clientId,
					clients.map((c) => c.id)
				)
			);
		const granted = await db
			.select()
			.from(schema.decisionService)
			.where(
				inArray(
					schema.decisionService.decisionId,
					decisions.map((d) => d.id)
				)
			);
		let planned = 0;
		for (const c of clients) {
			if (planned >= CLIENTS_PER_TEAM) break;
			if (overdrawn.has(c.id)) continue;
			const decision = decisions.find(
				(d) =>
					d.clientId === c.id &&
					compareDates(d.validFrom, today) <= 0 &&
					(d.validTo === null || compareDates(d.validTo, until) >= 0)
			);
			if (!decision) continue;
			const services = new Set(
				granted.filter((g) => g.decisionId === decision.id).map((g) => g.serviceCode)
			);
			// A week's plan within half the frame (a month's frame spread over its weeks).
			const budget =
				decision.framePeriod === 'week'
					? decision.frameMinutes / 2
					: (decision.frameMinutes * 12) / 52 / 2;
			const chosen: DemoPattern[] = [];
			let minutes = 0;
			for (const candidate of CANDIDATES) {
				if (!services.has(candidate.service)) continue;
				const weekly = candidate.minutes * candidate.weekdays.length;
				if (minutes + weekly > budget) continue;
				chosen.push(candidate);
				minutes += weekly;
				if (chosen.length === 2) break;
			}
			if (chosen.length === 0) continue;
			planned += 1;
			await db.insert(schema.basePlan).values(
				chosen.map((p) => ({
					organisationId,
					teamId: team.id,
					clientId: c.id,
					weekdays: p.weekdays,
					dayPart: p.dayPart,
					services: [p.service],
					minutes: p.minutes,
					window: p.window ?? null,
					note: p.note ?? ''
				}))
			);
		}
	}
}
