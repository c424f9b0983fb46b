/**
 * The relational model of Ramtavlan (DESIGN.md §2, §4, §6, §7). Every row belongs to an
 * organisation. Dates are calendar days (`YYYY-MM-DD` strings); instants are timestamptz.
 * Changes to this file need a generated migration in `drizzle/` (`npm run db:generate`).
 */
import { sql } from 'drizzle-orm';
import {
	bigserial,
	bigint,
	boolean,
	customType,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';

/** Binary column: Yjs updates and snapshots. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea'
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const organisation = pgTable('organisation', {
	id: uuid('id').primaryKey().defaultRandom(),
	name: text('name').notNull(),
	/** Minutes a plan may exceed a frame by (DESIGN.md §3, rule 3); default 0. */
	frameToleranceMinutes: integer('frame_tolerance_minutes').notNull().default(0),
	createdAt: createdAt()
});

export const unit = pgTable('unit', {
	id: uuid('id').primaryKey().defaultRandom(),
	organisationId: uuid('organisation_id')
		.notNull()
		.references(() => organisation.id),
	name: text('name').notNull(),
	createdAt: createdAt()
});

export const team = pgTable(
	'team',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		unitId: uuid('unit_id')
			.notNull()
			.references(() => unit.id),
		name: text('name').notNull(),
		area: text('area').notNull().default(''),
		createdAt: createdAt()
	},
	(t) => [index('team_unit_idx').on(t.unitId)]
);

export const staff = pgTable(
	'staff',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		username: text('username').notNull(),
		name: text('name').notNull(),
		/** 'worker' | 'manager' | 'caseOfficer' | 'admin' | 'teamDevice' */
		role: text('role').notNull(),
		passwordHash: text('password_hash'),
		/** Personal PIN (Argon2id) used to name the person acting on a shared tablet. */
		pinHash: text('pin_hash'),
		/** The unit a manager leads (and a worker's unit). */
		unitId: uuid('unit_id').references(() => unit.id),
		/** Preferred UI language, 'sv' or 'en'. */
		locale: text('locale').notNull().default('sv'),
		active: boolean('active').notNull().default(true),
		passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('staff_username_idx').on(t.username)]
);

/**
 * Who works in which team: a home membership (`lentOn` null) or a loan to another team for
 * one day (`lentOn` set).
 */
export const teamMembership = pgTable(
	'team_membership',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staff.id),
		teamId: uuid('team_id')
			.notNull()
			.references(() => team.id),
		lentOn: date('lent_on', { mode: 'string' }),
		createdAt: createdAt()
	},
	(t) => [
		index('team_membership_staff_idx').on(t.staffId),
		index('team_membership_team_idx').on(t.teamId)
	]
);

export const competence = pgTable(
	'competence',
	{
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		code: text('code').notNull(),
		nameSv: text('name_sv').notNull(),
		nameEn: text('name_en').notNull(),
		/** A delegation is issued by a nurse for a medical task and always ends. */
		isDelegation: boolean('is_delegation').notNull().default(false)
	},
	(t) => [primaryKey({ columns: [t.organisationId, t.code] })]
);

export const service = pgTable(
	'service',
	{
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		code: text('code').notNull(),
		nameSv: text('name_sv').notNull(),
		nameEn: text('name_en').notNull(),
		/** Board hint only: this service usually needs two staff. */
		twoStaff: boolean('two_staff').notNull().default(false)
	},
	(t) => [primaryKey({ columns: [t.organisationId, t.code] })]
);

export const serviceRequirement = pgTable(
	'service_requirement',
	{
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		serviceCode: text('service_code').notNull(),
		competenceCode: text('competence_code').notNull()
	},
	(t) => [primaryKey({ columns: [t.organisationId, t.serviceCode, t.competenceCode] })]
);

export const staffCompetence = pgTable(
	'staff_competence',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staff.id),
		competenceCode: text('competence_code').notNull(),
		validFrom: date('valid_from', { mode: 'string' }).notNull(),
		/** Inclusive last day; null = does not end. */
		validTo: date('valid_to', { mode: 'string' }),
		/** For delegations: the nurse who issued it. */
		issuedBy: text('issued_by'),
		createdAt: createdAt()
	},
	(t) => [index('staff_competence_staff_idx').on(t.staffId)]
);

export const client = pgTable(
	'client',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		teamId: uuid('team_id')
			.notNull()
			.references(() => team.id),
		name: text('name').notNull(),
		contactPersonId: uuid('contact_person_id').references(() => staff.id),
		area: text('area').notNull().default(''),
		/** "Så här vill jag ha det": how the client wants things done. */
		preferences: text('preferences').notNull().default(''),
		/** Practical access notes: key box, door code location, pets. */
		accessNotes: text('access_notes').notNull().default(''),
		/**
		 * The door or key-box code. Shown only when a worker asks for it, and every such read is
		 * written to the audit log (DESIGN.md §7).
		 */
		accessCode: text('access_code').notNull().default(''),
		active: boolean('active').notNull().default(true),
		createdAt: createdAt()
	},
	(t) => [index('client_team_idx').on(t.teamId)]
);

export const decision = pgTable(
	'decision',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		validFrom: date('valid_from', { mode: 'string' }).notNull(),
		/** Inclusive last day; null = open-ended. */
		validTo: date('valid_to', { mode: 'string' }),
		frameMinutes: integer('frame_minutes').notNull(),
		/** 'week' (ISO week) or 'month' (calendar month). */
		framePeriod: text('frame_period').notNull(),
		decidedBy: uuid('decided_by').references(() => staff.id),
		/**
		 * The version this row replaces. A decision is never changed in place: a change (or an
		 * early end) is a new row naming the one it replaces, and only a version that no row
		 * replaces is in force.
		 */
		replacesId: uuid('replaces_id'),
		createdAt: createdAt()
	},
	(t) => [
		index('decision_client_idx').on(t.clientId, t.validFrom),
		index('decision_replaces_idx').on(t.replacesId)
	]
);

export const decisionService = pgTable(
	'decision_service',
	{
		decisionId: uuid('decision_id')
			.notNull()
			.references(() => decision.id),
		serviceCode: text('service_code').notNull()
	},
	(t) => [primaryKey({ columns: [t.decisionId, t.serviceCode] })]
);

/**
 * The relational projection of the board docs: one row per visit, kept in step with every
 * accepted board change so that frame checks and reports are SQL queries.
 */
export const plannedVisit = pgTable(
	'planned_visit',
	{
		id: uuid('id').primaryKey(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		teamId: uuid('team_id')
			.notNull()
			.references(() => team.id),
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		room: text('room').notNull(),
		date: date('date', { mode: 'string' }).notNull(),
		dayPart: text('day_part').notNull(),
		minutes: integer('minutes').notNull(),
		status: text('status').notNull(),
		services: text('services')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		assignees: uuid('assignees')
			.array()
			.notNull()
			.default(sql`'{}'::uuid[]`),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('planned_visit_client_date_idx').on(t.clientId, t.date),
		index('planned_visit_team_date_idx').on(t.teamId, t.date),
		index('planned_visit_room_idx').on(t.room),
		// Frame usage reads visits still planned; done ones count through their time entries
		// (and by their estimate until one is recorded, F4).
		index('planned_visit_planned_idx')
			.on(t.clientId, t.date, t.minutes)
			.where(sql`${t.status} = 'planned'`)
	]
);

/**
 * Minutes actually spent for a client (the frame's usage). Append-only: a correction is a
 * new row whose `correctsId` names the row it replaces.
 */
export const timeEntry = pgTable(
	'time_entry',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		visitId: uuid('visit_id'),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staff.id),
		date: date('date', { mode: 'string' }).notNull(),
		minutes: integer('minutes').notNull(),
		/** With the client, or for the client without them (e.g. shopping). */
		withClient: boolean('with_client').notNull().default(true),
		correctsId: uuid('corrects_id'),
		/**
		 * What happened at the visit: 'done' (carried out), 'declined' (the client declined the
		 * whole visit) or 'not-done' (not carried out, with a reason). Only 'done' has minutes.
		 */
		outcome: text('outcome').notNull().default('done'),
		/** Services of the visit that the client declined this time. */
		declinedServices: text('declined_services')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** The worker's note on the visit, or why it was not carried out. */
		note: text('note').notNull().default(''),
		/** Recorded although it overdrew the frame; flagged for manager and case officer. */
		overdrawn: boolean('overdrawn').notNull().default(false),
		idempotencyKey: text('idempotency_key'),
		recordedBy: uuid('recorded_by').references(() => staff.id),
		createdAt: createdAt()
	},
	(t) => [
		// Covering: a client's effective minutes in a period (frame usage, the unit's frame
		// report) come from an index-only scan, without visiting the table. The trailing columns
		// are what the correction rule (T1) compares; drizzle has no INCLUDE, and as key columns
		// they cover the same reads.
		index('time_entry_usage_idx').on(
			t.clientId,
			t.date,
			t.minutes,
			t.id,
			t.correctsId,
			t.createdAt
		),
		index('time_entry_corrects_idx').on(t.correctsId),
		// A visit's reports: its latest report (corrections, T1), and whether a done visit still
		// holds its estimate (F4), which the planned summary asks for every done visit.
		index('time_entry_visit_idx').on(t.visitId),
		uniqueIndex('time_entry_idempotency_idx').on(t.idempotencyKey)
	]
);

export const absence = pgTable(
	'absence',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staff.id),
		date: date('date', { mode: 'string' }).notNull(),
		/** Null = the whole day; otherwise the day parts away. */
		dayParts: text('day_parts').array(),
		createdBy: uuid('created_by').references(() => staff.id),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('absence_staff_date_idx').on(t.staffId, t.date)]
);

export const signal = pgTable(
	'signal',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		text: text('text').notNull(),
		followUpBy: uuid('follow_up_by').references(() => staff.id),
		done: boolean('done').notNull().default(false),
		createdBy: uuid('created_by').references(() => staff.id),
		createdAt: createdAt()
	},
	(t) => [index('signal_client_idx').on(t.clientId)]
);

/** Every accepted Yjs update (and every compensation), committed before it is relayed. */
export const boardUpdate = pgTable(
	'board_update',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		room: text('room').notNull(),
		data: bytea('data').notNull(),
		createdAt: createdAt()
	},
	(t) => [index('board_update_room_idx').on(t.room, t.id)]
);

/** A compacted doc state; updates with id ≤ `upToId` are contained in it. */
export const boardSnapshot = pgTable('board_snapshot', {
	room: text('room').primaryKey(),
	data: bytea('data').notNull(),
	upToId: bigint('up_to_id', { mode: 'number' }).notNull(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/** Lucia-style sessions: `id` is the SHA-256 (hex) of the token; the token is never stored. */
export const session = pgTable(
	'session',
	{
		id: text('id').primaryKey(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staff.id),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		/** No sliding beyond this instant. */
		absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
		/** A session on a shared device gets the short idle timeout. */
		sharedDevice: boolean('shared_device').notNull().default(false),
		/**
		 * On a team tablet: the person who unlocked it with their PIN and acts on it now
		 * (null while it is locked). Changes made on the tablet name this person.
		 */
		actingStaffId: uuid('acting_staff_id').references(() => staff.id),
		/** When the acting person unlocked the tablet or last used it; it locks when idle. */
		actingSeenAt: timestamp('acting_seen_at', { withTimezone: true }),
		userAgent: text('user_agent').notNull().default(''),
		createdAt: createdAt()
	},
	(t) => [index('session_staff_idx').on(t.staffId)]
);

/** HSLF-FS 2016:40 access log: action, unit, when, user, client and device. Kept ≥ 5 years. */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		organisationId: uuid('organisation_id').references(() => organisation.id),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		staffId: uuid('staff_id').references(() => staff.id),
		/** 'read' | 'change' | 'export' | 'print' | 'login' | 'logout' | 'login-failed' */
		action: text('action').notNull(),
		unitId: uuid('unit_id'),
		clientId: uuid('client_id'),
		device: text('device').notNull().default(''),
		/** What was touched, without client details: e.g. `{ "what": "visit", "id": … }`. */
		detail: jsonb('detail').notNull().default({})
	},
	(t) => [
		index('audit_log_client_idx').on(t.clientId, t.at),
		index('audit_log_staff_idx').on(t.staffId, t.at),
		// Searching a unit's log by period and action, and drawing sample checks from it.
		index('audit_log_unit_at_idx').on(t.unitId, t.at)
	]
);

export const loginAttempt = pgTable(
	'login_attempt',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		username: text('username').notNull(),
		address: text('address').notNull(),
		success: boolean('success').notNull(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('login_attempt_username_idx').on(t.username, t.at),
		index('login_attempt_address_idx').on(t.address, t.at)
	]
);

/**
 * The weekly base plan (grundplanering): a recurring visit agreed with the client, e.g.
 * "Tuesday and Friday morning, shower and cleaning, about 45 minutes". Each new week's board
 * is filled from the active patterns once; the rules judge every visit it creates.
 */
export const basePlan = pgTable(
	'base_plan',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		teamId: uuid('team_id')
			.notNull()
			.references(() => team.id),
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		/** ISO weekdays, 1 (Monday) to 7 (Sunday). */
		weekdays: integer('weekdays').array().notNull(),
		dayPart: text('day_part').notNull(),
		services: text('services').array().notNull(),
		minutes: integer('minutes').notNull(),
		/** Optional medical window, e.g. `före 09:00`. */
		window: text('window'),
		note: text('note').notNull().default(''),
		active: boolean('active').notNull().default(true),
		createdBy: uuid('created_by').references(() => staff.id),
		createdAt: createdAt(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('base_plan_team_idx').on(t.teamId), index('base_plan_client_idx').on(t.clientId)]
);

/** A week's board filled from the base plans: at most once per team and week. */
export const basePlanFill = pgTable(
	'base_plan_fill',
	{
		teamId: uuid('team_id')
			.notNull()
			.references(() => team.id),
		week: text('week').notNull(),
		filledBy: uuid('filled_by').references(() => staff.id),
		/** The visits created, and those that landed unassigned with a verdict. */
		result: jsonb('result').notNull().default({}),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.teamId, t.week] })]
);

/** Results of idempotent commands, so a replayed command answers as the first did. */
export const commandReceipt = pgTable('command_receipt', {
	key: text('key').primaryKey(),
	staffId: uuid('staff_id')
		.notNull()
		.references(() => staff.id),
	command: text('command').notNull(),
	/**
	 * The canonical payload's fingerprint (`idempotency.ts`): a resend with the same payload is a
	 * replay, the key with other values a conflict. Null on receipts from before it was kept.
	 */
	fingerprint: text('fingerprint'),
	result: jsonb('result').notNull(),
	createdAt: createdAt()
});

/**
 * A client's usage of one frame period (ISO week `YYYY-Www` and calendar month `YYYY-MM`,
 * both kept for every day with recorded time): the effective time entries summed (rule T1),
 * with what was declined or not carried out. Maintained by a trigger on `time_entry` in the
 * same transaction as the entry itself (drizzle/0006), so reports over a whole unit read one
 * row per client and period instead of summing millions of entries.
 */
export const clientPeriodUsage = pgTable(
	'client_period_usage',
	{
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		/** `YYYY-Www` or `YYYY-MM`. */
		period: text('period').notNull(),
		/** The period's first day, for ranges of periods (a client's last 12 months). */
		firstDay: date('first_day', { mode: 'string' }).notNull(),
		/** Effective minutes recorded for the client in the period. */
		usedMinutes: integer('used_minutes').notNull(),
		/** Effective reports: carried out, declined by the client, not carried out. */
		doneVisits: integer('done_visits').notNull(),
		declinedVisits: integer('declined_visits').notNull(),
		notDoneVisits: integer('not_done_visits').notNull(),
		/** Services declined within visits that were carried out (one per service and visit). */
		declinedServices: integer('declined_services').notNull(),
		/** Effective entries recorded although they overdrew the frame. */
		overdrawnEntries: integer('overdrawn_entries').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.clientId, t.period] }),
		index('client_period_usage_first_day_idx').on(t.clientId, t.firstDay),
		// A unit's report reads one period (or the few of a month) for every client at once,
		// from the index alone (the figures it needs are key columns: drizzle has no INCLUDE).
		index('client_period_usage_period_idx').on(
			t.period,
			t.clientId,
			t.usedMinutes,
			t.declinedVisits,
			t.declinedServices
		)
	]
);

/**
 * The estimates of a client's visits still planned, per frame period (ISO week and month), from
 * the boards' projection `planned_visit`. Kept by a trigger in the same statement as the
 * projection (drizzle/0006), like `client_period_usage` for recorded time.
 */
export const clientPeriodPlanned = pgTable(
	'client_period_planned',
	{
		clientId: uuid('client_id')
			.notNull()
			.references(() => client.id),
		/** `YYYY-Www` or `YYYY-MM`. */
		period: text('period').notNull(),
		firstDay: date('first_day', { mode: 'string' }).notNull(),
		/**
		 * Estimates of the client's visits in the period that are still planned, or done with no
		 * time recorded yet (F4; drizzle/0008).
		 */
		plannedMinutes: integer('planned_minutes').notNull(),
		plannedVisits: integer('planned_visits').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.clientId, t.period] }),
		index('client_period_planned_period_idx').on(t.period, t.clientId, t.plannedMinutes)
	]
);

/**
 * A sample check of the access log (HSLF-FS 2016:40 4 kap. 3 §): reads drawn at random for a
 * manager to review, and the reviewer's conclusion. Only ever concluded, never deleted.
 */
export const auditSample = pgTable(
	'audit_sample',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisation.id),
		unitId: uuid('unit_id')
			.notNull()
			.references(() => unit.id),
		/** The period the reads were drawn from (inclusive calendar days). */
		fromDate: date('from_date', { mode: 'string' }).notNull(),
		toDate: date('to_date', { mode: 'string' }).notNull(),
		drawnBy: uuid('drawn_by')
			.notNull()
			.references(() => staff.id),
		drawnAt: timestamp('drawn_at', { withTimezone: true }).notNull().defaultNow(),
		/** 'open' while under review, 'concluded' once the reviewer has written a conclusion. */
		status: text('status').notNull().default('open'),
		conclusion: text('conclusion').notNull().default(''),
		concludedBy: uuid('concluded_by').references(() => staff.id),
		concludedAt: timestamp('concluded_at', { withTimezone: true })
	},
	(t) => [index('audit_sample_unit_idx').on(t.unitId, t.drawnAt)]
);

/** One drawn log row of a sample check, with the reviewer's judgement of it. */
export const auditSampleItem = pgTable(
	'audit_sample_item',
	{
		sampleId: uuid('sample_id')
			.notNull()
			.references(() => auditSample.id),
		auditLogId: bigint('audit_log_id', { mode: 'number' })
			.notNull()
			.references(() => auditLog.id),
		/** null until judged; 'justified' (the read had a care reason) or 'question' (follow up). */
		judgement: text('judgement'),
		comment: text('comment').notNull().default('')
	},
	(t) => [primaryKey({ columns: [t.sampleId, t.auditLogId] })]
);
