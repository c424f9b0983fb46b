/**
 * What makes two sends of a command "the same" for its idempotency key (DESIGN.md §6): the
 * payload without the key, with defaults filled in and sets sorted, written as JSON with sorted
 * keys. A device resending a command (the outbox after a lost acknowledgement) sends the same
 * payload and gets a replay; the same key with other values is a conflict, never a replay that
 * silently drops the new values.
 */
import { createHash } from 'node:crypto';
import type {
	AbsenceSetPayload,
	TimeRecordPayload,
	VisitMoveWeekPayload
} from '$lib/realtime/protocol';

/** JSON with object keys sorted at every level and `undefined` left out. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
	const entries = Object.keys(value)
		.sort()
		.filter((key) => (value as Record<string, unknown>)[key] !== undefined)
		.map(
			(key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`
		);
	return `{${entries.join(',')}}`;
}

const sortedSet = (items: readonly string[]) => [...new Set(items)].sort();

/**
 * A report as it is stored: the outcome and "with the client" default as the command applies
 * them, declined services as a set, the note trimmed. Compared with a stored time entry when
 * the command's receipt is missing.
 */
export function timeRecordForm(payload: TimeRecordPayload) {
	return {
		visitId: payload.visitId,
		minutes: payload.minutes,
		withClient: payload.withClient ?? true,
		outcome: payload.outcome ?? 'done',
		declinedServices: sortedSet(payload.declinedServices ?? []),
		note: (payload.note ?? '').trim()
	};
}

type Forms = {
	'time:record': TimeRecordPayload;
	'absence:set': AbsenceSetPayload;
	'visit:move-week': VisitMoveWeekPayload;
};

const FORMS: { [C in keyof Forms]: (payload: Forms[C]) => unknown } = {
	'time:record': (p) => ({ ...timeRecordForm(p), signal: p.signal?.text.trim() ?? null }),
	'absence:set': (p) => ({
		staffId: p.staffId,
		date: p.date,
		dayParts: Array.isArray(p.dayParts) ? sortedSet(p.dayParts) : p.dayParts
	}),
	'visit:move-week': (p) => ({
		visitId: p.visitId,
		fromRoom: p.fromRoom,
		toDate: p.toDate,
		dayPart: p.dayPart ?? null
	})
};

/** The canonical payload of a command, without its idempotency key. */
export function canonicalPayload<C extends keyof Forms>(command: C, payload: Forms[C]): string {
	return canonicalJson(FORMS[command](payload));
}

/**
 * A short fingerprint of the canonical payload, stored with the command's receipt: enough to
 * tell a replay from a reuse of the key, without keeping a second copy of notes and signals.
 */
export function payloadFingerprint<C extends keyof Forms>(command: C, payload: Forms[C]): string {
	return createHash('sha256').update(canonicalPayload(command, payload)).digest('base64url');
}
