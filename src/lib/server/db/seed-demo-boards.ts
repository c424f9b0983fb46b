/**
 * The demo's boards: this week's visits for both teams, so a team opening Ramtavlan sees a
 * real morning. Today is mostly handed out (a few visits, one of them time-critical, wait in
 * "Att fördela"); the rest of the week waits for the coming huddles. Every visit is checked
 * with the same rules the server enforces before it is written, so the demo never starts in
 * a state the server would refuse. Deterministic for a given `today`.
 */
import * as Y from 'yjs';
import { and, eq, gte, inArray, isNull, lte, ne } from 'drizzle-orm';
import { addSignal, boardRoom, createVisit, visitsOf, type BoardVisit } from '../../board';
import { STANDARD_SERVICES } from '../../domain/catalogue';
import { frameUsageOf } from '../../domain/frame';
import { addDays, datesOfIsoWeek, decisionCovering, isoWeekKey } from '../../domain/periods';
import { checkVisit, staffCanTake } from '../../domain/rules';
import type {
	DayPart,
	Decision,
	FramePeriodRange,
	IsoDate,
	RuleContext,
	ServiceDefinition,
	StaffOnDuty,
	TimeEntry,
	Visit
} from '../../domain/types';
import type { Db } from './client';
import * as schema from './schema';

interface VisitPattern {
	dayPart: DayPart;
	services: string[];
	minutes: number;
	window?: string;
	/** Only on these ISO weekdays (1 = Monday); every day when absent. */
	days?: number[];
}

/** What a client with these granted services typically gets in a day. */
function patternsFor(granted: Set<string>, index: number): VisitPattern[] {
	const has = (code: string) => granted.has(code);
	const patterns: VisitPattern[] = [];
	if (has('insulin')) {
		patterns.push({
			dayPart: 'morning',
			services: ['insulin', 'personal-care'].filter(has),
			minutes: 30,
			window: 'före 09:00'
		});
		patterns.push({
			dayPart: 'evening',
			services: ['insulin', 'meals'].filter(has),
			minutes: 20,
			window: 'före 19:00'
		});
	} else if (has('lift')) {
		patterns.push({
			dayPart: 'morning',
			services: ['personal-care', 'lift', 'dressing'].filter(has),
			minutes: 45
		});
		patterns.push({ dayPart: 'midday', services: ['meals', 'toilet'].filter(has), minutes: 30 });
		patterns.push({
			dayPart: 'evening',
			services: ['personal-care', 'lift'].filter(has),
			minutes: 30
		});
	} else if (has('medication')) {
		patterns.push({
			dayPart: 'morning',
			services: ['medication', 'personal-care'].filter(has),
			minutes: 25,
			window: index % 3 === 0 ? 'kl 08–10' : undefined
		});
		if (has('meals')) patterns.push({ dayPart: 'midday', services: ['meals'], minutes: 20 });
	} else if (has('personal-care')) {
		patterns.push({
			dayPart: 'morning',
			services: ['personal-care', 'dressing'].filter(has),
			minutes: 40
		});
		if (has('shower'))
			patterns.push({ dayPart: 'afternoon', services: ['shower'], minutes: 45, days: [2, 5] });
		if (has('meals'))
			patterns.push({ dayPart: 'evening', services: ['meals'], minutes: 20, days: [1, 3, 5, 7] });
	}
	if (has('cleaning'))
		patterns.push({
			dayPart: 'afternoon',
			services: ['cleaning'],
			minutes: 60,
			days: [1 + (index % 5)]
		});
	if (has('shopping'))
		patterns.push({
			dayPart: 'afternoon',
			services: ['shopping'],
			minutes: 45,
			days: [1 + ((index + 2) % 5)]
		});
	if (has('laundry'))
		patterns.push({
			dayPart: 'midday',
			services: ['laundry'],
			minutes: 40,
			days: [1 + ((index + 3) % 5)]
		});
	if (has('walk'))
		patterns.push({ dayPart: 'afternoon', services: ['walk'], minutes: 45, days: [3, 6] });
	if (has('social'))
		patterns.push({ dayPart: 'afternoon', services: ['social'], minutes: 30, days: [2, 4] });
	if (has('safety-check') && patterns.length === 0) {
		patterns.push({ dayPart: 'evening', services: ['safety-check'], minutes: 10 });
	}
	return patterns.filter((p) => p.services.length > 0);
}

const SIGNALS = [
	'Verkar tröttare än vanligt och åt lite till frukost. Följ upp aptiten i veckan.',
	'Har frågat om att få gå ut på promenad oftare när vädret tillåter.',
	'Rollatorn gnisslar och ena bromsen tar dåligt – kontakta hjälpmedelscentralen.'
];

export async function seedDemoBoards(db: Db, options: { today: IsoDate }): Promise<void> {
	const { today } = options;
	const week = isoWeekKey(today);
	const days = datesOfIsoWeek(week).filter((d) => d >= today);
	const catalogue: Record<string, ServiceDefinition> = Object.fromEntries(
		STANDARD_SERVICES.map((s) => [
			s.code,
			{ code: s.code, requires: s.requires, twoStaff: s.twoStaff }
		])
	);

	const teams = await db.select().from(schema.team);
	for (const team of teams.sort((a, b) => a.name.localeCompare(b.name, 'sv'))) {
		const members = await db
			.select({ id: schema.staff.id, name: schema.staff.name })
			.from(schema.teamMembership)
			.innerJoin(schema.staff, eq(schema.staff.id, schema.teamMembership.staffId))
			.where(
				and(
					eq(schema.teamMembership.teamId, team.id),
					isNull(schema.teamMembership.lentOn),
					ne(schema.staff.role, 'teamDevice')
				)
			);
		const competences =
			members.length === 0
				? []
				: await db
						.select()
						.from(schema.staffCompetence)
						.where(
							inArray(
								schema.staffCompetence.staffId,
								members.map((m) => m.id)
							)
						);
		const staff: Record<string, StaffOnDuty> = {};
		for (const member of members.sort((a, b) => a.name.localeCompare(b.name, 'sv'))) {
			staff[member.id] = {
				id: member.id,
				name: member.name,
				competences: competences
					.filter((c) => c.staffId === member.id)
					.map((c) => ({ code: c.competenceCode, validFrom: c.validFrom, validTo: c.validTo }))
			};
		}
		const clients = await db
			.select()
			.from(schema.client)
			.where(and(eq(schema.client.teamId, team.id), eq(schema.client.active, true)));
		clients.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
		const clientIds = clients.map((c) => c.id);
		if (clientIds.length === 0) continue;
		const decisionRows = await db
			.select()
			.from(schema.decision)
			.where(inArray(schema.decision.clientId, clientIds));
		const serviceRows = await db
			.select()
			.from(schema.decisionService)
			.where(
				inArray(
					schema.decisionService.decisionId,
					decisionRows.map((d) => d.id)
				)
			);
		const decisions: Decision[] = decisionRows.map((d) => ({
			id: d.id,
			clientId: d.clientId,
			validFrom: d.validFrom,
			validTo: d.validTo,
			frameMinutes: d.frameMinutes,
			framePeriod: d.framePeriod === 'month' ? 'month' : 'week',
			services: serviceRows.filter((s) => s.decisionId === d.id).map((s) => s.serviceCode)
		}));
		const entries: TimeEntry[] = (
			await db
				.select()
				.from(schema.timeEntry)
				.where(
					and(
						inArray(schema.timeEntry.clientId, clientIds),
						gte(schema.timeEntry.date, addDays(today, -40)),
						lte(schema.timeEntry.date, addDays(today, 40))
					)
				)
		).map((e) => ({
			id: e.id,
			clientId: e.clientId,
			date: e.date,
			minutes: e.minutes,
			correctsId: e.correctsId
		}));

		const doc = new Y.Doc();
		const load: Record<string, number> = Object.fromEntries(
			Object.keys(staff).map((id) => [id, 0])
		);
		let leftUnassigned = 0;
		let criticalLeft = false;

		clients.forEach((client, index) => {
			const own = decisions.filter((d) => d.clientId === client.id);
			for (const date of days) {
				const decision = decisionCovering(own, date);
				if (!decision) continue;
				const weekday = ((new Date(date + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1;
				for (const pattern of patternsFor(new Set(decision.services), index)) {
					if (pattern.days && !pattern.days.includes(weekday)) continue;
					const isToday = date === today;
					const assignees: string[] = [];
					if (isToday) {
						const keepFree =
							(pattern.window && !criticalLeft) || (leftUnassigned < 3 && index % 6 === 2);
						if (keepFree) {
							if (pattern.window) criticalLeft = true;
							leftUnassigned += 1;
						} else {
							const wanted = pattern.services.some((s) => catalogue[s]?.twoStaff) ? 2 : 1;
							const able = Object.values(staff)
								.filter((s) => staffCanTake(s, pattern.services, catalogue, date))
								.sort((a, b) => load[a.id]! - load[b.id]! || a.name.localeCompare(b.name, 'sv'));
							const preferred = able.find((s) => s.id === client.contactPersonId);
							const chosen = preferred && wanted === 1 ? [preferred] : able.slice(0, wanted);
							for (const person of chosen) {
								assignees.push(person.id);
								load[person.id]! += pattern.minutes;
							}
						}
					}
					const candidate: Visit = {
						id: crypto.randomUUID(),
						clientId: client.id,
						date,
						dayPart: pattern.dayPart,
						services: pattern.services,
						minutes: pattern.minutes,
						assignees,
						status: 'planned'
					};
					const planned = visitsOf(doc);
					const ctx: RuleContext = {
						docWeek: week,
						client: { id: client.id, name: client.name },
						decisions: own,
						services: catalogue,
						staff,
						frameToleranceMinutes: 0,
						frameUsage: (period: FramePeriodRange) =>
							frameUsageOf({ clientId: client.id, period, timeEntries: entries, visits: planned })
					};
					if (checkVisit(candidate, ctx).length > 0) {
						for (const id of assignees) load[id]! -= pattern.minutes;
						continue;
					}
					createVisit(doc, { ...candidate, window: pattern.window });
				}
			}
		});

		clients.slice(0, SIGNALS.length).forEach((client, i) => {
			const followUp = client.contactPersonId ?? Object.keys(staff)[i] ?? null;
			addSignal(doc, { clientId: client.id, text: SIGNALS[i]!, followUpBy: followUp });
		});

		const room = boardRoom(team.id, week);
		const visits: BoardVisit[] = visitsOf(doc);
		await db.insert(schema.boardUpdate).values({ room, data: Y.encodeStateAsUpdate(doc) });
		if (visits.length > 0) {
			await db.insert(schema.plannedVisit).values(
				visits.map((v) => ({
					id: v.id,
					organisationId: team.organisationId,
					teamId: team.id,
					clientId: v.clientId,
					room,
					date: v.date,
					dayPart: v.dayPart,
					minutes: v.minutes,
					status: v.status,
					services: v.services,
					assignees: v.assignees
				}))
			);
		}
		doc.destroy();
	}
}
