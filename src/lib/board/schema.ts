/**
 * The board document layout (DESIGN.md §5): one Yjs doc per team and ISO week, room name
 * `board:<teamId>:<YYYY-Www>`. This layout is a public contract between the UI, the server
 * and every stored board; change it only with a migration path.
 *
 * ```
 * visits:   Y.Map<visitId, Y.Map>   see VisitKey
 * absences: Y.Map<staffId, Y.Map<'YYYY-MM-DD', 'day' | DayPart[]>>
 * signals:  Y.Map<signalId, Y.Map>  clientId, text (Y.Text), followUpBy, done
 * huddle:   Y.Map<'YYYY-MM-DD', Y.Map>  notes (Y.Text), checklist (Y.Map<itemId, Y.Map>)
 * ```
 */
import * as Y from 'yjs';
import { parsePeriodKey } from '$lib/domain/periods';
import type { DayPart, IsoDate, Visit } from '$lib/domain/types';

export const VISITS = 'visits';
export const ABSENCES = 'absences';
export const SIGNALS = 'signals';
export const HUDDLE = 'huddle';

/** Keys of a visit's Y.Map. */
export const VISIT_KEYS = [
	'clientId',
	'date',
	'dayPart',
	'window',
	'services',
	'minutes',
	'assignees',
	'rank',
	'status',
	'note'
] as const;
export type VisitKey = (typeof VISIT_KEYS)[number];

/** A visit as the board shows it: the rules' plain `Visit` plus what only the board uses. */
export interface BoardVisit extends Visit {
	/** Optional medical time window, e.g. `före 09:00`. */
	window?: string;
	/** Fractional index: order within its column (date and day part). */
	rank: string;
	/** The visit's note as plain text. */
	note: string;
}

/** What a staff member is away: the whole day or some day parts. */
export type AbsenceValue = 'day' | DayPart[];

export interface BoardSignal {
	id: string;
	clientId: string;
	text: string;
	followUpBy: string | null;
	done: boolean;
}

export interface HuddleItem {
	id: string;
	text: string;
	done: boolean;
}

export interface HuddleDay {
	date: IsoDate;
	notes: string;
	checklist: HuddleItem[];
}

export const visitsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(VISITS);
export const absencesMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(ABSENCES);
export const signalsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(SIGNALS);
export const huddleMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(HUDDLE);

const ROOM_PATTERN =
	/^board:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{4}-W\d{2})$/;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The room of a team's board for one ISO week. */
export function boardRoom(teamId: string, week: string): string {
	return `board:${teamId}:${week}`;
}

/**
 * The team and week of a room name, or null for anything that is not a board room. Only
 * lower-case UUIDs are accepted, so one board has exactly one name.
 */
export function parseBoardRoom(room: unknown): { teamId: string; week: string } | null {
	if (typeof room !== 'string' || room.length > 80) return null;
	const match = ROOM_PATTERN.exec(room);
	if (!match) return null;
	if (parsePeriodKey(match[2])?.kind !== 'week') return null;
	return { teamId: match[1], week: match[2] };
}
