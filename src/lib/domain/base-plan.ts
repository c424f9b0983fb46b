/**
 * The base plan (grundplanering): a client's recurring visits, agreed with the client once and
 * laid out on every new week's board instead of being entered again each Monday. A pattern
 * says "Tuesdays and Fridays, in the morning, shower and cleaning, about 45 minutes". Rules
 * B1–B8 in SPEC.md; the board rules (DL1–DL3, C1) still judge every visit a pattern gives.
 */
import { compareDates, datesOfIsoWeek, isoWeekday } from './periods';
import { DAY_PARTS, type DayPart, type FramePeriod, type IsoDate } from './types';

/** Bounds of a pattern's fields (B4, B5). The window matches the board's visit window. */
export const BASE_PLAN_LIMITS = {
	minMinutes: 5,
	maxMinutes: 480,
	minutesStep: 5,
	window: 60,
	note: 500
} as const;

/** A pattern as stored: one recurring visit of one client. */
export interface BasePlanPattern {
	id: string;
	clientId: string;
	/** ISO weekdays, 1 = Monday … 7 = Sunday, sorted, each once. */
	weekdays: number[];
	dayPart: DayPart;
	services: string[];
	minutes: number;
	window: string | null;
	note: string;
	/** A paused pattern (false) stays in the plan but gives no visits. */
	active: boolean;
}

/** A pattern's fields as they come from a form, not yet trusted. */
export interface BasePlanInput {
	weekdays: readonly unknown[];
	dayPart: unknown;
	services: readonly unknown[];
	minutes: unknown;
	window?: unknown;
	note?: unknown;
}

/** The validated fields of a pattern (B1–B5). */
export type BasePlanValues = Omit<BasePlanPattern, 'id' | 'clientId' | 'active'>;

export type BasePlanField = 'weekdays' | 'dayPart' | 'services' | 'minutes' | 'window' | 'note';

/** Why a field was refused; the page turns each into one Swedish (or English) sentence. */
export type BasePlanError =
	| 'no-weekdays'
	| 'invalid-weekday'
	| 'invalid-day-part'
	| 'no-services'
	| 'no-decision'
	| 'not-granted'
	| 'invalid-minutes'
	| 'window-too-long'
	| 'note-too-long';

export type BasePlanValidation =
	| { ok: true; value: BasePlanValues }
	| {
			ok: false;
			errors: Partial<Record<BasePlanField, BasePlanError>>;
			/** The services the decision does not grant (B3), in the order given. */
			notGranted: string[];
	  };

const isWeekday = (d: unknown): d is number =>
	Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 7;

/** True for an estimate in 5-minute steps, 5..480 (B4, the same bounds as a visit's M4). */
export function isPatternMinutes(minutes: unknown): minutes is number {
	return (
		typeof minutes === 'number' &&
		Number.isInteger(minutes) &&
		minutes >= BASE_PLAN_LIMITS.minMinutes &&
		minutes <= BASE_PLAN_LIMITS.maxMinutes &&
		minutes % BASE_PLAN_LIMITS.minutesStep === 0
	);
}

/**
 * Checks a pattern's fields against B1–B5. `granted` is what the client's decision in force
 * grants (B3), or null when the client has no decision in force that has not ended. Every
 * broken field is reported, so a form can show all its errors at once.
 */
export function validatePattern(
	input: BasePlanInput,
	granted: readonly string[] | null
): BasePlanValidation {
	const errors: Partial<Record<BasePlanField, BasePlanError>> = {};
	let notGranted: string[] = [];

	const weekdays = [...new Set(input.weekdays)];
	if (weekdays.length === 0) errors.weekdays = 'no-weekdays';
	else if (!weekdays.every(isWeekday)) errors.weekdays = 'invalid-weekday';

	if (!(DAY_PARTS as readonly unknown[]).includes(input.dayPart))
		errors.dayPart = 'invalid-day-part';

	const services = [...new Set(input.services)];
	if (services.length === 0 || !services.every((s) => typeof s === 'string' && s.length > 0)) {
		errors.services = 'no-services';
	} else if (granted === null) {
		errors.services = 'no-decision';
	} else {
		notGranted = (services as string[]).filter((s) => !granted.includes(s));
		if (notGranted.length > 0) errors.services = 'not-granted';
	}

	if (!isPatternMinutes(input.minutes)) errors.minutes = 'invalid-minutes';

	const window = typeof input.window === 'string' ? input.window.trim() : '';
	if (window.length > BASE_PLAN_LIMITS.window) errors.window = 'window-too-long';
	const note = typeof input.note === 'string' ? input.note.trim() : '';
	if (note.length > BASE_PLAN_LIMITS.note) errors.note = 'note-too-long';

	if (Object.keys(errors).length > 0) return { ok: false, errors, notGranted };
	return {
		ok: true,
		value: {
			weekdays: (weekdays as number[]).sort((a, b) => a - b),
			dayPart: input.dayPart as DayPart,
			services: (services as string[]).sort(),
			minutes: input.minutes as number,
			window: window === '' ? null : window,
			note
		}
	};
}

/** One visit a pattern gives in a week, before the board rules judge it. */
export interface BasePlanOccasion {
	patternId: string;
	clientId: string;
	date: IsoDate;
	dayPart: DayPart;
	services: string[];
	minutes: number;
	window: string | null;
	note: string;
}

const dayPartIndex = (d: DayPart) => DAY_PARTS.indexOf(d);

/**
 * The visits the active patterns give in ISO week `week` (B6): one on each of a pattern's
 * weekdays, dated inside the week. Days before `from` (today, when filling the current week)
 * are left out: nobody plans a day that has passed. Ordered by date, day part, then the
 * patterns' order, so the frame goes to the week's first visits when it does not cover all.
 */
export function occasionsOfWeek(
	patterns: readonly BasePlanPattern[],
	week: string,
	from?: IsoDate
): BasePlanOccasion[] {
	const dates = datesOfIsoWeek(week).filter(
		(d) => from === undefined || compareDates(d, from) >= 0
	);
	const result: [number, BasePlanOccasion][] = [];
	patterns.forEach((pattern, order) => {
		if (!pattern.active) return;
		for (const date of dates) {
			if (!pattern.weekdays.includes(isoWeekday(date))) continue;
			result.push([
				order,
				{
					patternId: pattern.id,
					clientId: pattern.clientId,
					date,
					dayPart: pattern.dayPart,
					services: [...pattern.services],
					minutes: pattern.minutes,
					window: pattern.window,
					note: pattern.note
				}
			]);
		}
	});
	result.sort(
		([orderA, a], [orderB, b]) =>
			compareDates(a.date, b.date) ||
			dayPartIndex(a.dayPart) - dayPartIndex(b.dayPart) ||
			orderA - orderB
	);
	return result.map(([, occasion]) => occasion);
}

/** The key a filled visit's id is derived from (B8): one per team, week, pattern and day. */
export function occasionKey(teamId: string, week: string, occasion: BasePlanOccasion): string {
	return `base-plan|${teamId}|${week}|${occasion.patternId}|${occasion.date}`;
}

/** Average weeks per month, for comparing a week's plan with a monthly frame (B7). */
const WEEKS_PER_MONTH = 52 / 12;

export interface BasePlanFrameHint {
	/** Minutes the active patterns plan in a full week. */
	weekMinutes: number;
	/** The plan in the frame's period: the week, or an average month. */
	periodMinutes: number;
	framePeriod: FramePeriod;
	frameMinutes: number;
	/** True when the plan asks for more than the frame; a hint, never a block. */
	over: boolean;
}

/**
 * How the client's active patterns add up against the frame (B7): a full week's minutes, and
 * for a monthly frame an average month's (the week × 52 / 12, to the nearest 5 minutes). Only
 * a hint: the board rules decide per visit when a week is filled.
 */
export function basePlanFrameHint(
	patterns: readonly Pick<BasePlanPattern, 'weekdays' | 'minutes' | 'active'>[],
	frame: { frameMinutes: number; framePeriod: FramePeriod }
): BasePlanFrameHint {
	const weekMinutes = patterns
		.filter((p) => p.active)
		.reduce((sum, p) => sum + p.minutes * new Set(p.weekdays).size, 0);
	const periodMinutes =
		frame.framePeriod === 'week'
			? weekMinutes
			: Math.round((weekMinutes * WEEKS_PER_MONTH) / 5) * 5;
	return {
		weekMinutes,
		periodMinutes,
		framePeriod: frame.framePeriod,
		frameMinutes: frame.frameMinutes,
		over: periodMinutes > frame.frameMinutes
	};
}
