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
