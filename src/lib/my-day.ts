/**
 * What the worker's phone is given about a visit: the page data of the visit page, shared by
 * the server that builds it and the components that show it.
 */
import type { DayPart, FramePeriod, IsoDate, VisitStatus } from '$lib/domain/types';
import type { FrameRow, VisitOutcome } from '$lib/realtime/protocol';

/** One report of a visit as recorded (a row of the time entries). */
export interface RecordedEntry {
	id: string;
	correctsId: string | null;
	minutes: number;
	outcome: VisitOutcome;
	declinedServices: string[];
	note: string;
	overdrawn: boolean;
	recordedBy: string;
	/** ISO instant. */
	recordedAt: string;
}

export interface VisitDetails {
	visit: {
		id: string;
		room: string;
		teamId: string;
		week: string;
		date: IsoDate;
		dayPart: DayPart;
		minutes: number;
		status: VisitStatus;
		services: string[];
	};
	client: {
		id: string;
		name: string;
		area: string;
		preferences: string;
		accessNotes: string;
		/** Whether there is a door or key-box code to reveal; the code itself is never sent here. */
		hasAccessCode: boolean;
		contactPersonId: string | null;
	};
	/** The decision governing the visit's date, or null when none does. */
	decision: {
		frameMinutes: number;
		framePeriod: FramePeriod;
		validTo: IsoDate | null;
		services: string[];
	} | null;
	/** The client's frame figures for the periods the visit's week touches (as the board). */
	frames: FrameRow[];
	/** Every report of the visit, newest first; a correction names the row it replaces. */
	history: RecordedEntry[];
}
