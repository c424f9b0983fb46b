/**
 * Plain data types of the Ramtavlan domain (DESIGN.md §2). Shared by the server, the
 * board and the UI; nothing here knows about storage or transport.
 */

/** Calendar date in ISO form, `YYYY-MM-DD`, always a local (Swedish) calendar day. */
export type IsoDate = string;

export const DAY_PARTS = ['morning', 'midday', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];

export const VISIT_STATUSES = ['planned', 'done', 'declined', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export const FRAME_PERIODS = ['week', 'month'] as const;
export type FramePeriod = (typeof FRAME_PERIODS)[number];

export const ROLES = ['worker', 'manager', 'caseOfficer', 'admin', 'teamDevice'] as const;
export type Role = (typeof ROLES)[number];

/** A granted kind of help and what an assignee must hold to perform it. */
export interface ServiceDefinition {
	code: string;
	requires: string[];
	/** A hint for the board (e.g. a lift needs two staff); never enforced. */
	twoStaff?: boolean;
}

/** A competence held by a staff member, valid on every date in [validFrom, validTo]. */
export interface HeldCompetence {
	code: string;
	validFrom: IsoDate;
	/** Inclusive last day; `null` when it does not end. */
	validTo: IsoDate | null;
}

/** A client's decision (biståndsbeslut) as the rules see it. */
export interface Decision {
	id: string;
	clientId: string;
	validFrom: IsoDate;
	/** Inclusive last day; `null` when open-ended. */
	validTo: IsoDate | null;
	frameMinutes: number;
	framePeriod: FramePeriod;
	services: string[];
}

/** A visit as the rules see it: plain data read from the board doc or the projection. */
export interface Visit {
	id: string;
	clientId: string;
	date: IsoDate;
	dayPart: DayPart;
	services: string[];
	minutes: number;
	assignees: string[];
	status: VisitStatus;
}

/** The rules the server enforces (DESIGN.md §3) plus `malformed` for a visit that breaks the doc layout. */
export const RULE_IDS = [
	'decision-validity',
	'decision-scope',
	'frame-limit',
	'competence',
	'malformed'
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** A frame period: an ISO week (`2026-W48`) or a calendar month (`2026-11`), inclusive days. */
export interface FramePeriodRange {
	kind: FramePeriod;
	/** `YYYY-Www` or `YYYY-MM`. */
	key: string;
	start: IsoDate;
	end: IsoDate;
}

/** Frame usage of one client in one frame period, not counting the visit being checked. */
export interface FrameUsage {
	/** Minutes recorded in time entries (the frame's real usage). */
	usedMinutes: number;
	/** Estimates of the client's other visits still `planned` in the period (all weeks). */
	otherPlannedMinutes: number;
}

/** A staff member as the competence rule sees them on the visit's date. */
export interface StaffOnDuty {
	id: string;
	name: string;
	competences: HeldCompetence[];
}

/**
 * Everything `checkVisit` needs, gathered by the caller (server or UI) beforehand so the
 * check itself stays pure and synchronous.
 */
export interface RuleContext {
	/** The doc's ISO week (`YYYY-Www`); a visit dated outside it is malformed. */
	docWeek: string;
	/** The client, or undefined when the client is unknown in this team (malformed). */
	client: { id: string; name: string } | undefined;
	/** The client's decisions (any validity; the rules pick the one covering the date). */
	decisions: Decision[];
	/** The organisation's service catalogue by code. */
	services: Record<string, ServiceDefinition>;
	/** Staff who may be assigned in this team that day (home and lent), by id. */
	staff: Record<string, StaffOnDuty>;
	/** Minutes a plan may exceed a frame by (organisation setting, default 0). */
	frameToleranceMinutes: number;
	/** Usage of the client's frame in `period`, excluding the visit being checked. */
	frameUsage(period: FramePeriodRange): FrameUsage;
	/** The visit's last accepted state, if any: lets a verdict say what "this change adds". */
	previous?: Visit;
	/**
	 * Whether time has been recorded for the visit (any report, corrections included). A done
	 * visit without one still holds its estimate and is judged on the frame (F4). Omitted: no
	 * visit has a report.
	 */
	reported?(visitId: string): boolean;
}

/** One broken rule, with the numbers a verdict shows and what would be allowed. */
export type Violation =
	| { rule: 'malformed'; reason: string }
	| {
			rule: 'decision-validity';
			date: IsoDate;
			nearest?: { validFrom: IsoDate; validTo: IsoDate | null };
	  }
	| { rule: 'decision-scope'; notGranted: string[]; granted: string[] }
	| {
			rule: 'frame-limit';
			period: FramePeriodRange;
			frameMinutes: number;
			toleranceMinutes: number;
			usedMinutes: number;
			/** Other visits still planned in the period. */
			plannedMinutes: number;
			/** Minutes this change adds compared with the visit's previous state. */
			addedMinutes: number;
			/** Minutes the visit could have at most (≥ 0). */
			leftMinutes: number;
	  }
	| {
			rule: 'competence';
			/** Assignees lacking a competence: who and which codes. */
			missing: { staffId: string; name: string; competences: string[] }[];
			/** Team members on duty that day who hold every required competence. */
			qualified: { staffId: string; name: string }[];
	  };

/**
 * Minutes really spent for a client (utförd tid), the frame's usage. Append-only: a correction
 * is a new entry whose `correctsId` names the entry it replaces (DESIGN.md §6, SPEC.md T1).
 */
export interface TimeEntry {
	id: string;
	clientId: string;
	date: IsoDate;
	/** A multiple of 5; 0 only on a correction that removes the entry it corrects. */
	minutes: number;
	/** The entry this one replaces, or null for an original entry. */
	correctsId: string | null;
	visitId?: string | null;
	staffId?: string;
}
