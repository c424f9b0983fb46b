/**
 * The demo organisation of DESIGN.md §5: "Exempelkommun" with the unit "Hemtjänst Norr" and the
 * teams Björken and Eken, their staff, clients, decisions and a week of recorded time.
 *
 * Every person here is fictional. Dates are relative to `today`, so the demo is always current;
 * everything else comes from a seeded pseudo-random generator, so the same `today` always gives
 * the same demo (ids included).
 */
import { hash } from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import { STANDARD_COMPETENCES, STANDARD_SERVICES } from '../../domain/catalogue';
import {
	addDays,
	decisionCovering,
	framePeriodOf,
	isoWeekKey,
	isoWeekRange,
	monthKey,
	todayIn
} from '../../domain/periods';
import type { Decision, FramePeriod, IsoDate, Role } from '../../domain/types';
import type { Db } from './client';
import * as schema from './schema';
import { seedDemoBasePlans } from './seed-demo-base-plans';

/** The password of every demo user. */
export const DEMO_PASSWORD = 'ramtavlan-demo';
export const DEMO_ORGANISATION_NAME = 'Exempelkommun';
/** The team tablet PIN of every demo worker and manager (demo only): Argon2id of `1234`. */
const DEMO_PIN_HASH =
	'$argon2id$v=19$m=19456,t=2,p=1$Lr2d/Xo/GdVFaew1OHTbOg$gIgDfy4u3ltMCuflwEkHgFpdakyCrCWP/ddaEUFUOA0';

/** Raised when the demo is asked for in a database that already holds an organisation. */
export class DatabaseNotEmptyError extends Error {
	constructor() {
		super('The database is not empty; the demo is only seeded into an empty database.');
		this.name = 'DatabaseNotEmptyError';
	}
}

export interface DemoSeedResult {
	today: IsoDate;
	organisationId: string;
	unitId: string;
	teams: { id: string; name: string; staffIds: string[]; clientIds: string[] }[];
	/** Staff ids by username. */
	staff: Record<string, string>;
	clients: { id: string; name: string; teamId: string }[];
}

type TeamKey = 'bjorken' | 'eken';

interface DemoCompetence {
	code: string;
	/** Days relative to today. */
	from: number;
	/** Days relative to today; null = does not end. */
	to: number | null;
}

interface DemoPerson {
	username: string;
	name: string;
	role: Role;
	team?: TeamKey;
	competences?: DemoCompetence[];
}

const CARE: DemoCompetence = { code: 'care-training', from: -900, to: null };
const USK: DemoCompetence = { code: 'usk', from: -2400, to: null };
const LIFT: DemoCompetence = { code: 'lift-training', from: -420, to: null };
/** A delegation issued `daysAgo` and ending `daysLeft` from today (never more than a year). */
const delegation = (code: string, daysAgo: number, daysLeft: number): DemoCompetence => ({
	code,
	from: -daysAgo,
	to: daysLeft
});

/**
 * The staff. Anna holds insulin and medication delegations, Bertil none; Cecilia's medication
 * delegation is the only one ending within 30 days (a nurse must renew it).
 */
const PEOPLE: DemoPerson[] = [
	{
		username: 'anna',
		name: 'Anna Lindqvist',
		role: 'worker',
		team: 'bjorken',
		competences: [
			CARE,
			USK,
			LIFT,
			delegation('insulin-delegation', 150, 214),
			delegation('medication-delegation', 150, 214)
		]
	},
	{
		username: 'bertil',
		name: 'Bertil Åkesson',
		role: 'worker',
		team: 'bjorken',
		competences: [CARE]
	},
	{
		username: 'cecilia',
		name: 'Cecilia Holm',
		role: 'worker',
		team: 'bjorken',
		competences: [CARE, USK, LIFT, delegation('medication-delegation', 347, 17)]
	},
	{
		username: 'david',
		name: 'David Nyström',
		role: 'worker',
		team: 'bjorken',
		competences: [CARE, LIFT]
	},
	{
		username: 'elin',
		name: 'Elin Sjöberg',
		role: 'worker',
		team: 'bjorken',
		competences: [
			CARE,
			USK,
			delegation('insulin-delegation', 60, 304),
			delegation('medication-delegation', 60, 304)
		]
	},
	{
		username: 'frida',
		name: 'Frida Berglund',
		role: 'worker',
		team: 'bjorken',
		competences: [CARE]
	},
	{
		username: 'erik',
		name: 'Erik Johansson',
		role: 'worker',
		team: 'eken',
		competences: [CARE, USK, delegation('medication-delegation', 100, 264)]
	},
	{
		username: 'fatima',
		name: 'Fatima Haddad',
		role: 'worker',
		team: 'eken',
		competences: [
			CARE,
			USK,
			LIFT,
			delegation('insulin-delegation', 30, 334),
			delegation('medication-delegation', 30, 334)
		]
	},
	{
		username: 'gustav',
		name: 'Gustav Ek',
		role: 'worker',
		team: 'eken',
		competences: [CARE, LIFT]
	},
	{ username: 'ingrid', name: 'Ingrid Dahl', role: 'worker', team: 'eken', competences: [CARE] },
	// Service staff: cleaning, shopping, laundry, walks; no care training.
	{ username: 'johan', name: 'Johan Wikström', role: 'worker', team: 'eken', competences: [] },
	{ username: 'maria', name: 'Maria Engström', role: 'manager' },
	{ username: 'hanna', name: 'Hanna Sandberg', role: 'caseOfficer' },
	{ username: 'admin', name: 'Administratör Exempelkommun', role: 'admin' },
	{ username: 'bjorken-platta', name: 'Björken surfplatta', role: 'teamDevice', team: 'bjorken' },
	{ username: 'eken-platta', name: 'Eken surfplatta', role: 'teamDevice', team: 'eken' }
];

const NURSES = ['Karin Molin, leg. sjuksköterska', 'Per Strand, leg. sjuksköterska'];

const TEAMS: Record<TeamKey, { name: string; areas: string[] }> = {
	bjorken: { name: 'Björken', areas: ['Lindbacken', 'Kvarnängen', 'Solhöjden'] },
	eken: { name: 'Eken', areas: ['Ekdalen', 'Skogslyckan', 'Sjöviken'] }
};

interface Profile {
	period: FramePeriod;
	/** Frame range in minutes; the frame is drawn from it in half hours. */
	minutes: [number, number];
	services: string[];
}

const PROFILES = {
	serviceLight: {
		period: 'month',
		minutes: [240, 480],
		services: ['cleaning', 'shopping', 'laundry']
	},
	service: {
		period: 'month',
		minutes: [600, 1200],
		services: ['cleaning', 'shopping', 'laundry', 'meals', 'walk', 'social']
	},
	careLight: {
		period: 'week',
		minutes: [150, 360],
		services: ['personal-care', 'dressing', 'meals', 'safety-check']
	},
	care: {
		period: 'week',
		minutes: [420, 900],
		services: [
			'personal-care',
			'shower',
			'toilet',
			'dressing',
			'meals',
			'cleaning',
			'shopping',
			'laundry'
		]
	},
	careHeavy: {
		period: 'week',
		minutes: [1200, 1800],
		services: [
			'personal-care',
			'shower',
			'toilet',
			'dressing',
			'meals',
			'lift',
			'medication',
			'safety-check',
			'social'
		]
	},
	medication: {
		period: 'week',
		minutes: [210, 480],
		services: ['medication', 'personal-care', 'meals', 'safety-check']
	},
	insulin: {
		period: 'week',
		minutes: [420, 840],
		services: ['insulin', 'medication', 'personal-care', 'meals', 'shopping']
	}
} satisfies Record<string, Profile>;

type ProfileName = keyof typeof PROFILES;

interface ClientPlan {
	profile: ProfileName;
	/** A fixed frame instead of a drawn one. */
	frameMinutes?: number;
	/** The decision ends on the Sunday of the current ISO week. */
	expiresThisWeek?: boolean;
	/** An earlier decision ended the day before the current one began. */
	history?: boolean;
	/** Time is recorded right up to the frame. */
	nearFrame?: boolean;
	/** One recorded entry overdrew the frame (and is flagged). */
	overdrawn?: boolean;
	/** One entry was corrected afterwards (a correction row references it). */
	corrected?: boolean;
	/** No time recorded in the past week (e.g. in hospital). */
	noTime?: boolean;
}

/** Björken: 20 clients, several with insulin or medication. */
const BJORKEN_CLIENTS: ClientPlan[] = [
	{ profile: 'insulin', nearFrame: true },
	{ profile: 'care', corrected: true },
	{ profile: 'serviceLight', frameMinutes: 240 },
	{ profile: 'medication', history: true },
	{ profile: 'careHeavy', frameMinutes: 2100 },
	{ profile: 'service' },
	{ profile: 'insulin' },
	{ profile: 'careLight', expiresThisWeek: true },
	{ profile: 'medication' },
	{ profile: 'care', nearFrame: true },
	{ profile: 'serviceLight', frameMinutes: 300, overdrawn: true },
	{ profile: 'insulin', history: true },
	{ profile: 'medication', noTime: true },
	{ profile: 'service' },
	{ profile: 'care' },
	{ profile: 'careLight' },
	{ profile: 'serviceLight', noTime: true },
	{ profile: 'medication' },
	{ profile: 'care' },
	{ profile: 'careLight' }
];

/** Eken: 18 clients. */
const EKEN_CLIENTS: ClientPlan[] = [
	{ profile: 'care' },
	{ profile: 'serviceLight' },
	{ profile: 'medication', nearFrame: true },
	{ profile: 'careLight' },
	{ profile: 'service', history: true },
	{ profile: 'careHeavy' },
	{ profile: 'care' },
	{ profile: 'serviceLight', noTime: true },
	{ profile: 'insulin' },
	{ profile: 'careLight' },
	{ profile: 'service' },
	{ profile: 'care', nearFrame: true },
	{ profile: 'serviceLight' },
	{ profile: 'medication' },
	{ profile: 'careLight', noTime: true },
	{ profile: 'care' },
	{ profile: 'service' },
	{ profile: 'careLight' }
];

const FIRST_NAMES = [
	'Astrid',
	'Gunnar',
	'Birgitta',
	'Sven',
	'Margit',
	'Karl-Erik',
	'Ulla',
	'Rolf',
	'Inga',
	'Stig',
	'Elsa',
	'Göran',
	'Maj-Britt',
	'Lennart',
	'Barbro',
	'Kjell',
	'Gun',
	'Bengt',
	'Siv',
	'Arne',
	'Ingegerd',
	'Åke',
	'Solveig',
	'Sten',
	'Viola',
	'Holger',
	'Dagny',
	'Evert',
	'Greta',
	'Harald',
	'Iris',
	'Nils',
	'Ruth',
	'Olle',
	'Vera',
	'Yngve',
	'Märta',
	'Tage'
];

const LAST_NAMES = [
	'Andersson',
	'Bergström',
	'Carlsson',
	'Dahlberg',
	'Eriksson',
	'Forsberg',
	'Gustafsson',
	'Hedlund',
	'Isaksson',
	'Jonsson',
	'Karlström',
	'Lundgren',
	'Magnusson',
	'Nordin',
	'Olofsson',
	'Persson',
	'Qvist',
	'Rydberg',
	'Svensson',
	'Törnqvist',
	'Ullberg',
	'Vikström',
	'Wallin',
	'Åberg',
	'Öhman',
	'Blom',
	'Falk',
	'Hellström',
	'Lind',
	'Mattsson',
	'Nyberg',
	'Strömberg',
	'Sundqvist',
	'Holmgren',
	'Ekström',
	'Grahn',
	'Löfgren',
	'Björk'
];

/** The `index`th client's name: first names in order, surnames spread over the list. */
function demoClientName(index: number): string {
	return `${FIRST_NAMES[index]} ${LAST_NAMES[(index * 11) % LAST_NAMES.length]}`;
}

/**
 * Every demo client's name, for checks that no client data reaches the server's logs or the
 * addresses (docs/security.md).
 */
export const DEMO_CLIENT_NAMES: readonly string[] = Array.from(
	{ length: BJORKEN_CLIENTS.length + EKEN_CLIENTS.length },
	(_, i) => demoClientName(i)
);

const PREFERENCES = [
	'Vill bli kallad vid förnamn. Kaffe med mjölk.',
	'Lugn morgon; duschar helst på kvällen.',
	'Pratar gärna om trädgården.',
	'Väljer själv kläder för dagen.',
	'Vill ha radion på under besöket.',
	'Äter frukost vid köksbordet, inte i sängen.',
	'Vill möta samma personal så långt det går.',
	'Handlar gärna själv med sällskap.',
	'Hörapparat i vänster öra – tala tydligt.',
	'Promenerar till brevlådan när vädret tillåter.',
	'Vill att disken tas direkt efter maten.',
	'Tycker om att lösa korsord tillsammans.'
];

const ACCESS_NOTES = [
	'Nyckel i nyckelgömma vid entrén.',
	'Ring på och vänta – tar tid till dörren.',
	'Katt i lägenheten, stäng dörren snabbt.',
	'Porten är låst på kvällen – använd koden.',
	'Hund som skäller men är snäll.',
	'Ytterdörren kärvar, dra hårt.',
	'Trygghetslarm på handleden.',
	''
];

/**
 * A made-up door or key-box code, taken from the client's id so that adding it leaves the
 * rest of the demo's random choices as they were. Every third client has none.
 */
function demoAccessCode(clientId: string, accessNotes: string): string {
	const n = parseInt(clientId.replace(/-/g, '').slice(0, 8), 16);
	const digits = String(1000 + (n % 9000));
	if (accessNotes.includes('nyckelgömma')) return `Nyckelgömma: ${digits}`;
	if (n % 3 === 0) return '';
	return `Portkod ${digits}`;
}

/** mulberry32: a small, fast, seedable generator; good enough for demo data. */
function generator(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

class Dice {
	private readonly next: () => number;
	constructor(seed: number) {
		this.next = generator(seed);
	}
	/** A whole number in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}
	/** A float in [min, max). */
	between(min: number, max: number): number {
		return min + this.next() * (max - min);
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}
	/** A version 4 UUID drawn from the generator, so ids are stable too. */
	uuid(): string {
		const bytes = Array.from({ length: 16 }, () => Math.floor(this.next() * 256));
		bytes[6] = (bytes[6] & 0x0f) | 0x40;
		bytes[8] = (bytes[8] & 0x3f) | 0x80;
		const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
		return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
	}
}

/** Rounds down to a multiple of `step` (frames in half hours, time in 5 minutes). */
const floorTo = (minutes: number, step: number) => Math.floor(minutes / step) * step;

type NewTimeEntry = typeof schema.timeEntry.$inferInsert;

/**
 * Seeds the demo organisation in one transaction and returns its ids. Refuses (throws
 * `DatabaseNotEmptyError`) when any organisation exists, so it can never mix demo people into
 * real data; callers that only want "demo if empty" use `migrateAndSeed`.
 */
export async function seedDemo(db: Db, options: { today?: IsoDate } = {}): Promise<DemoSeedResult> {
	const today = options.today ?? todayIn();
	const passwordHash = await hash(DEMO_PASSWORD);
	return db.transaction(async (tx) => {
		// Two processes starting on an empty database at once: only one seeds.
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ramtavlan:demo-seed'))`);
		const existing = await tx
			.select({ id: schema.organisation.id })
			.from(schema.organisation)
			.limit(1);
		if (existing.length > 0) throw new DatabaseNotEmptyError();
		return insertDemo(tx as unknown as Db, today, passwordHash);
	});
}

async function insertDemo(db: Db, today: IsoDate, passwordHash: string): Promise<DemoSeedResult> {
	const dice = new Dice(20_261_123);
	const day = (offset: number) => addDays(today, offset);

	const organisationId = dice.uuid();
	const unitId = dice.uuid();
	await db.insert(schema.organisation).values({ id: organisationId, name: DEMO_ORGANISATION_NAME });
	await db.insert(schema.unit).values({ id: unitId, organisationId, name: 'Hemtjänst Norr' });

	const teamIds: Record<TeamKey, string> = { bjorken: dice.uuid(), eken: dice.uuid() };
	await db.insert(schema.team).values(
		(Object.keys(TEAMS) as TeamKey[]).map((key) => ({
			id: teamIds[key],
			organisationId,
			unitId,
			name: TEAMS[key].name,
			area: TEAMS[key].areas.join(', ')
		}))
	);

	await db.insert(schema.competence).values(
		STANDARD_COMPETENCES.map((c) => ({
			organisationId,
			code: c.code,
			nameSv: c.sv,
			nameEn: c.en,
			isDelegation: c.delegation
		}))
	);
	await db.insert(schema.service).values(
		STANDARD_SERVICES.map((s) => ({
			organisationId,
			code: s.code,
			nameSv: s.sv,
			nameEn: s.en,
			twoStaff: s.twoStaff ?? false
		}))
	);
	await db.insert(schema.serviceRequirement).values(
		STANDARD_SERVICES.flatMap((s) =>
			s.requires.map((competenceCode) => ({
				organisationId,
				serviceCode: s.code,
				competenceCode
			}))
		)
	);

	// Staff, their home teams and competences.
	const staffIds: Record<string, string> = {};
	for (const person of PEOPLE) staffIds[person.username] = dice.uuid();
	await db.insert(schema.staff).values(
		PEOPLE.map((person) => ({
			id: staffIds[person.username],
			organisationId,
			username: person.username,
			name: person.name,
			role: person.role,
			passwordHash,
			// Demo only: every demo worker and manager unlocks the team tablet with PIN 1234.
			pinHash: ['worker', 'manager'].includes(person.role) ? DEMO_PIN_HASH : null,
			unitId: person.role === 'admin' || person.role === 'caseOfficer' ? null : unitId
		}))
	);
	await db.insert(schema.teamMembership).values(
		PEOPLE.filter((person) => person.team).map((person) => ({
			id: dice.uuid(),
			organisationId,
			staffId: staffIds[person.username],
			teamId: teamIds[person.team!]
		}))
	);
	await db.insert(schema.staffCompetence).values(
		PEOPLE.flatMap((person) =>
			(person.competences ?? []).map((c) => ({
				id: dice.uuid(),
				organisationId,
				staffId: staffIds[person.username],
				competenceCode: c.code,
				validFrom: day(c.from),
				validTo: c.to === null ? null : day(c.to),
				issuedBy: c.code.endsWith('-delegation') ? dice.pick(NURSES) : null
			}))
		)
	);

	const workers = (team: TeamKey) =>
		PEOPLE.filter((p) => p.team === team && p.role === 'worker').map((p) => ({
			id: staffIds[p.username],
			codes: new Set((p.competences ?? []).map((c) => c.code))
		}));

	// Clients and their decisions.
	const weekEnd = isoWeekRange(isoWeekKey(today)).end;
	const caseOfficerId = staffIds.hanna;
	const clients: DemoSeedResult['clients'] = [];
	const clientRows: (typeof schema.client.$inferInsert)[] = [];
	const decisionRows: (typeof schema.decision.$inferInsert)[] = [];
	const decisionServiceRows: (typeof schema.decisionService.$inferInsert)[] = [];
	const entries: NewTimeEntry[] = [];
	let nameIndex = 0;

	for (const teamKey of Object.keys(TEAMS) as TeamKey[]) {
		const plans = teamKey === 'bjorken' ? BJORKEN_CLIENTS : EKEN_CLIENTS;
		const team = workers(teamKey);
		plans.forEach((plan, index) => {
			const profile: Profile = PROFILES[plan.profile];
			const clientId = dice.uuid();
			const name = demoClientName(nameIndex);
			nameIndex += 1;
			clients.push({ id: clientId, name, teamId: teamIds[teamKey] });
			const area = dice.pick(TEAMS[teamKey].areas);
			const preferences = dice.pick(PREFERENCES);
			const accessNotes = dice.pick(ACCESS_NOTES);
			clientRows.push({
				id: clientId,
				organisationId,
				teamId: teamIds[teamKey],
				name,
				contactPersonId: team[index % team.length].id,
				area,
				preferences,
				accessNotes,
				accessCode: demoAccessCode(clientId, accessNotes)
			});

			const frameMinutes =
				plan.frameMinutes ?? floorTo(dice.int(profile.minutes[0], profile.minutes[1]), 30);
			const validFrom = plan.expiresThisWeek ? day(-180) : day(-dice.int(20, 330));
			// A year, open-ended now and then; never ending this week unless asked to.
			const validTo = plan.expiresThisWeek
				? weekEnd
				: dice.int(0, 3) === 0
					? null
					: addDays(validFrom, 364);
			const decisions: Decision[] = [];
			if (plan.history) {
				decisions.push({
					id: dice.uuid(),
					clientId,
					validFrom: addDays(validFrom, -365),
					validTo: addDays(validFrom, -1),
					frameMinutes: Math.max(120, frameMinutes - 120),
					framePeriod: profile.period,
					services: profile.services.slice(0, -1)
				});
			}
			decisions.push({
				id: dice.uuid(),
				clientId,
				validFrom,
				validTo,
				frameMinutes,
				framePeriod: profile.period,
				services: profile.services
			});
			for (const d of decisions) {
				decisionRows.push({
					id: d.id,
					organisationId,
					clientId,
					validFrom: d.validFrom,
					validTo: d.validTo,
					frameMinutes: d.frameMinutes,
					framePeriod: d.framePeriod,
					decidedBy: caseOfficerId
				});
				for (const code of d.services)
					decisionServiceRows.push({ decisionId: d.id, serviceCode: code });
			}
			if (!plan.noTime) {
				entries.push(
					...pastWeekOfTime({ dice, today, organisationId, clientId, plan, decisions, team })
				);
			}
		});
	}

	await db.insert(schema.client).values(clientRows);
	await db.insert(schema.decision).values(decisionRows);
	await db.insert(schema.decisionService).values(decisionServiceRows);
	await db.insert(schema.timeEntry).values(entries);
	await seedDemoBasePlans(db, { organisationId, today });

	return {
		today,
		organisationId,
		unitId,
		teams: (Object.keys(TEAMS) as TeamKey[]).map((key) => ({
			id: teamIds[key],
			name: TEAMS[key].name,
			staffIds: workers(key).map((w) => w.id),
			clientIds: clients.filter((c) => c.teamId === teamIds[key]).map((c) => c.id)
		})),
		staff: staffIds,
		clients
	};
}

/**
 * Time recorded for one client on the seven days before `today`: weekly frames used a little
 * every day, monthly ones on a couple of days. No frame period is overdrawn except by the one
 * entry flagged `overdrawn`.
 */
function pastWeekOfTime(args: {
	dice: Dice;
	today: IsoDate;
	organisationId: string;
	clientId: string;
	plan: ClientPlan;
	decisions: Decision[];
	team: { id: string; codes: Set<string> }[];
}): NewTimeEntry[] {
	const { dice, today, organisationId, clientId, plan, decisions, team } = args;
	const days = Array.from({ length: 7 }, (_, i) => addDays(today, i - 7));
	const usedByPeriod = new Map<string, number>();
	const result: NewTimeEntry[] = [];

	const services = decisionCovering(decisions, days[6])?.services ?? [];
	const holders = (code: string) => team.filter((w) => w.codes.has(code)).map((w) => w.id);
	const anyone = team.map((w) => w.id);
	const careStaff = holders('care-training');
	const firstVisitStaff = services.includes('insulin')
		? holders('insulin-delegation')
		: services.includes('medication')
			? holders('medication-delegation')
			: services.includes('personal-care')
				? careStaff
				: anyone;
	const otherStaff = services.includes('personal-care') ? careStaff : anyone;

	const record = (
		date: IsoDate,
		minutes: number,
		staffId: string,
		extra: Partial<NewTimeEntry>
	) => {
		const entry: NewTimeEntry = {
			id: dice.uuid(),
			organisationId,
			clientId,
			staffId,
			recordedBy: staffId,
			date,
			minutes,
			withClient: true,
			createdAt: new Date(`${date}T${String(dice.int(8, 20)).padStart(2, '0')}:00:00Z`),
			...extra
		};
		result.push(entry);
		return entry;
	};

	// How much of the frame the team tends to use.
	const share = plan.nearFrame ? 0.97 : dice.between(0.55, 0.9);

	if (plan.overdrawn) {
		// Cleaning, shopping and laundry in the month that holds most of the week, then one more
		// visit that the frame could not hold: recorded anyway and flagged.
		const months = new Map<string, IsoDate[]>();
		for (const date of days)
			months.set(monthKey(date), [...(months.get(monthKey(date)) ?? []), date]);
		const inMonth = [...months.values()].sort((a, b) => b.length - a.length)[0];
		const decision = decisionCovering(decisions, inMonth[0])!;
		const parts = [0.4, 0.3, 0.3].map((p) => floorTo(decision.frameMinutes * p, 5));
		parts[0] += decision.frameMinutes - parts.reduce((a, b) => a + b, 0);
		parts.forEach((minutes, i) =>
			record(inMonth[Math.min(i, inMonth.length - 1)], minutes, dice.pick(anyone), {
				withClient: i !== 1
			})
		);
		record(inMonth[inMonth.length - 1], 30, dice.pick(anyone), { overdrawn: true });
		return result;
	}

	// Weekly frames are used every day; monthly ones on one or two days of the week.
	const current = decisions[decisions.length - 1];
	const visitDays =
		current.framePeriod === 'week'
			? days
			: current.frameMinutes < 600
				? [days[dice.int(0, 6)]]
				: [days[dice.int(0, 2)], days[dice.int(4, 6)]];

	for (const date of visitDays) {
		const decision = decisionCovering(decisions, date);
		if (!decision) continue;
		const period = framePeriodOf(decision.framePeriod, date);
		const used = usedByPeriod.get(period.key) ?? 0;
		const target =
			decision.framePeriod === 'week'
				? (decision.frameMinutes / 7) * share
				: ((decision.frameMinutes * 7) / 30 / visitDays.length) * share;
		let minutes = Math.min(floorTo(target, 5), decision.frameMinutes - used);
		if (minutes < 5) continue;
		usedByPeriod.set(period.key, used + minutes);

		// Split the day's time into visits of 20–90 minutes.
		let first = true;
		while (minutes >= 5) {
			const visit = Math.min(minutes, floorTo(dice.int(20, 90), 5));
			const rest = minutes - visit;
			const part = rest > 0 && rest < 15 ? minutes : visit;
			record(date, part, dice.pick(first ? firstVisitStaff : otherStaff), {
				withClient: !(services.includes('shopping') && !first && dice.int(0, 3) === 0)
			});
			minutes -= part;
			first = false;
		}
	}

	if (plan.corrected && result.length > 0) {
		// First recorded with 15 minutes too many, then corrected: the frame counts the correction.
		const original = result[0];
		const right = original.minutes;
		original.minutes = right + 15;
		record(original.date, right, original.staffId, {
			correctsId: original.id,
			createdAt: new Date((original.createdAt as Date).getTime() + 3_600_000)
		});
	}

	return result;
}
