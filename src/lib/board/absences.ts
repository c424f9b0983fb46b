/**
 * Absences on the board (DESIGN.md §5): who is away which day, the whole day or some day
 * parts. The relational `absence` table is authoritative; the server mirrors it into the doc
 * with the `absence:set` command, so every screen shows it at once and offline; the server
 * puts back any direct edit of the doc's absences.
 */
import * as Y from 'yjs';
import { DAY_PARTS, type DayPart, type IsoDate } from '$lib/domain/types';
import { absencesMap, type AbsenceValue } from './schema';

/** A valid absence value, normalised (day parts in day order, no repeats), or undefined. */
export function normaliseAbsence(value: unknown): AbsenceValue | undefined {
	if (value === 'day') return 'day';
	if (!Array.isArray(value) || value.length === 0) return undefined;
	if (!value.every((p) => (DAY_PARTS as readonly unknown[]).includes(p))) return undefined;
	const parts = DAY_PARTS.filter((p) => value.includes(p));
	return parts.length === DAY_PARTS.length ? 'day' : parts;
}

/** Records that `staffId` is away on `date` (the whole day, or the given day parts). */
export function markAbsent(doc: Y.Doc, staffId: string, date: IsoDate, value: AbsenceValue): void {
	const normal = normaliseAbsence(value);
	if (!normal) throw new Error('an absence is "day" or a non-empty list of day parts');
	doc.transact(() => {
		const absences = absencesMap(doc);
		let days = absences.get(staffId);
		if (!(days instanceof Y.Map)) {
			days = new Y.Map<unknown>();
			absences.set(staffId, days);
		}
		(days as Y.Map<unknown>).set(date, normal);
	});
}

/** Removes the absence of `staffId` on `date`, if any. */
export function clearAbsence(doc: Y.Doc, staffId: string, date: IsoDate): void {
	doc.transact(() => {
		const days = absencesMap(doc).get(staffId);
		if (!(days instanceof Y.Map)) return;
		days.delete(date);
		if (days.size === 0) absencesMap(doc).delete(staffId);
	});
}

/** Every absence on the board: staff id → date → value. Entries without the layout are skipped. */
export function readAbsences(doc: Y.Doc): Record<string, Record<IsoDate, AbsenceValue>> {
	const result: Record<string, Record<IsoDate, AbsenceValue>> = {};
	for (const [staffId, days] of absencesMap(doc).entries()) {
		if (!(days instanceof Y.Map)) continue;
		for (const [date, value] of (days as Y.Map<unknown>).entries()) {
			const normal = normaliseAbsence(value);
			if (normal) (result[staffId] ??= {})[date] = normal;
		}
	}
	return result;
}

/** True when `staffId` is away on `date` in `dayPart` (or at all, without a day part). */
export function isAbsent(
	absences: Record<string, Record<IsoDate, AbsenceValue>>,
	staffId: string,
	date: IsoDate,
	dayPart?: DayPart
): boolean {
	const value = absences[staffId]?.[date];
	if (!value) return false;
	return value === 'day' || dayPart === undefined || value.includes(dayPart);
}

/**
 * Makes the board's absences equal to `value`, touching only what differs. The server uses it
 * to mirror the absence table into the doc and to put back direct edits: absences are changed
 * with the `absence:set` command, never by editing the doc.
 */
export function replaceAbsences(
	doc: Y.Doc,
	value: Record<string, Record<IsoDate, AbsenceValue>>
): void {
	doc.transact(() => {
		const absences = absencesMap(doc);
		for (const [staffId, days] of [...absences.entries()]) {
			const wanted = value[staffId];
			if (!wanted || !(days instanceof Y.Map)) {
				absences.delete(staffId);
				continue;
			}
			for (const date of [...(days as Y.Map<unknown>).keys()]) {
				if (!(date in wanted)) (days as Y.Map<unknown>).delete(date);
			}
		}
		for (const [staffId, days] of Object.entries(value)) {
			for (const [date, absenceValue] of Object.entries(days)) {
				const current = (absences.get(staffId) as Y.Map<unknown> | undefined)?.get(date);
				if (JSON.stringify(normaliseAbsence(current)) !== JSON.stringify(absenceValue)) {
					markAbsent(doc, staffId, date, absenceValue);
				}
			}
		}
	});
}
