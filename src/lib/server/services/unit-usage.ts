/**
 * The unit overview of the manager's follow-up: per team and per client, granted, used,
 * planned, left and projected frame time for a week or a month, with the flags of U4–U7.
 * The relational side is `framePeriodRows` (the decisions in force, and used and planned
 * minutes from the per-period summaries: two statements side by side), then plain arithmetic
 * per row — a unit of thousands of clients is one round trip.
 */
import { eq } from 'drizzle-orm';
import {
	mergeFlags,
	periodClock,
	periodUsage,
	USAGE_FLAGS,
	type PeriodClock,
	type UsageFlag
} from '$lib/domain/usage';
import type { FramePeriod, FramePeriodRange, IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import { organisation, unit } from '../db/schema';
import { framePeriodRows } from './frames';

export interface PeriodUsageRow {
	/** The frame period, `YYYY-Www` or `YYYY-MM`. */
	period: string;
	firstDay: IsoDate;
	lastDay: IsoDate;
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	leftMinutes: number;
	projectedMinutes: number;
	flags: UsageFlag[];
}

/** Figures every level of the overview shares (a client, a team, the unit). */
export interface UsageFigures {
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	leftMinutes: number;
	projectedMinutes: number;
	declinedVisits: number;
	declinedServices: number;
}

export interface ClientUsage extends UsageFigures {
	clientId: string;
	name: string;
	teamId: string;
	teamName: string;
	/** The kind of the client's frame (of the latest period when a decision changed kind). */
	framePeriod: FramePeriod;
	/** The client's frame periods overlapping the asked period, in calendar order. */
	periods: PeriodUsageRow[];
	/** Flags of any of the periods, each once, most pressing first. */
	flags: UsageFlag[];
}

export interface TeamUsage extends UsageFigures {
	teamId: string;
	teamName: string;
	clients: number;
	/** Clients carrying each flag. */
	flagged: Record<UsageFlag, number>;
}

export interface UnitUsage {
	period: FramePeriodRange;
	today: IsoDate;
	teams: TeamUsage[];
	clients: ClientUsage[];
	total: UsageFigures & { clients: number; flagged: Record<UsageFlag, number> };
}

const collator = new Intl.Collator('sv');

/**
 * The overview of `unitId` for `period` (a week or a month) as of `today`. A client's row sums
 * its frame periods overlapping the asked period — whole periods, as the frames endpoint
 * counts them: a weekly frame asked for a month gives the weeks touching the month. Clients
 * come in Swedish name order; teams by name.
 */
export async function unitUsage(
	db: Db,
	query: { unitId: string; period: FramePeriodRange; today: IsoDate; teamId?: string }
): Promise<UnitUsage> {
	const [rows, [org]] = await Promise.all([
		framePeriodRows(db, {
			unitId: query.unitId,
			teamId: query.teamId,
			period: { start: query.period.start, end: query.period.end }
		}),
		db
			.select({ tolerance: organisation.frameToleranceMinutes })
			.from(unit)
			.innerJoin(organisation, eq(organisation.id, unit.organisationId))
			.where(eq(unit.id, query.unitId))
	]);
	const toleranceMinutes = org?.tolerance ?? 0;

	const byClient = new Map<string, ClientUsage>();
	// A handful of periods shared by thousands of rows: their clocks are reckoned once.
	const clocks = new Map<string, PeriodClock>();
	// The flags of each client's periods as a set of bits (FLAG_BITS), merged once per client.
	const flagBits = new Map<ClientUsage, number>();
	let client: ClientUsage | undefined;
	// A client's rows come together, its periods in calendar order (`framePeriodRows`).
	for (const row of rows) {
		let clock = clocks.get(row.period);
		if (!clock) {
			clock = periodClock(row.firstDay, row.lastDay, query.today);
			clocks.set(row.period, clock);
		}
		const usage = periodUsage({
			frameMinutes: row.frameMinutes,
			usedMinutes: row.usedMinutes,
			plannedMinutes: row.plannedMinutes,
			declinedVisits: row.declinedVisits,
			declinedServices: row.declinedServices,
			firstDay: row.firstDay,
			lastDay: row.lastDay,
			today: query.today,
			toleranceMinutes,
			clock
		});
		if (client?.clientId !== row.clientId) {
			client = byClient.get(row.clientId);
			if (!client) {
				client = {
					clientId: row.clientId,
					name: row.name,
					teamId: row.teamId,
					teamName: row.teamName,
					framePeriod: row.framePeriod,
					periods: [],
					flags: [],
					...zero()
				};
				byClient.set(row.clientId, client);
			}
		}
		client.framePeriod = row.framePeriod;
		client.periods.push({
			period: row.period,
			firstDay: row.firstDay,
			lastDay: row.lastDay,
			frameMinutes: row.frameMinutes,
			usedMinutes: row.usedMinutes,
			plannedMinutes: row.plannedMinutes,
			leftMinutes: usage.leftMinutes,
			projectedMinutes: usage.projectedMinutes,
			flags: usage.flags
		});
		if (usage.flags.length > 0) {
			let bits = flagBits.get(client) ?? 0;
			for (const flag of usage.flags) bits |= FLAG_BITS[flag];
			flagBits.set(client, bits);
		}
		client.frameMinutes += row.frameMinutes;
		client.usedMinutes += row.usedMinutes;
		client.plannedMinutes += row.plannedMinutes;
		client.leftMinutes += usage.leftMinutes;
		client.projectedMinutes += usage.projectedMinutes;
		client.declinedVisits += row.declinedVisits;
		client.declinedServices += row.declinedServices;
	}
	// Clients share a handful of combinations of flags: each is merged once, and every client
	// gets its own copy.
	const merged = new Map<number, UsageFlag[]>();
	for (const [flagged, bits] of flagBits) {
		let flags = merged.get(bits);
		if (!flags) {
			flags = mergeFlags(flagged.periods.map((p) => p.flags));
			merged.set(bits, flags);
		}
		flagged.flags = [...flags];
	}
	const clients = [...byClient.values()].sort(
		(a, b) => collator.compare(a.name, b.name) || (a.clientId < b.clientId ? -1 : 1)
	);

	const byTeam = new Map<string, TeamUsage>();
	const total = { clients: 0, flagged: noFlags(), ...zero() };
	for (const c of clients) {
		let team = byTeam.get(c.teamId);
		if (!team) {
			team = { teamId: c.teamId, teamName: c.teamName, clients: 0, flagged: noFlags(), ...zero() };
			byTeam.set(c.teamId, team);
		}
		count(team, c);
		count(total, c);
	}
	const teams = [...byTeam.values()].sort(
		(a, b) => collator.compare(a.teamName, b.teamName) || (a.teamId < b.teamId ? -1 : 1)
	);
	return { period: query.period, today: query.today, teams, clients, total };
}

/** One bit per flag, so a client's flags over its periods are gathered without arrays. */
const FLAG_BITS = Object.fromEntries(USAGE_FLAGS.map((flag, i) => [flag, 1 << i])) as Record<
	UsageFlag,
	number
>;

/** Adds a client to the figures of its team or of the unit. */
function count(
	level: UsageFigures & { clients: number; flagged: Record<UsageFlag, number> },
	client: ClientUsage
): void {
	add(level, client);
	level.clients += 1;
	for (const flag of client.flags) level.flagged[flag] += 1;
}

function zero(): UsageFigures {
	return {
		frameMinutes: 0,
		usedMinutes: 0,
		plannedMinutes: 0,
		leftMinutes: 0,
		projectedMinutes: 0,
		declinedVisits: 0,
		declinedServices: 0
	};
}

function add(sum: UsageFigures, part: UsageFigures): void {
	sum.frameMinutes += part.frameMinutes;
	sum.usedMinutes += part.usedMinutes;
	sum.plannedMinutes += part.plannedMinutes;
	sum.leftMinutes += part.leftMinutes;
	sum.projectedMinutes += part.projectedMinutes;
	sum.declinedVisits += part.declinedVisits;
	sum.declinedServices += part.declinedServices;
}

function noFlags(): Record<UsageFlag, number> {
	return Object.fromEntries(USAGE_FLAGS.map((flag) => [flag, 0])) as Record<UsageFlag, number>;
}
