/**
 * Signals (iakttagelser): something noticed about a client to follow up — mood, health, a
 * need that changed. They live on the week's board so the huddle sees them.
 */
import * as Y from 'yjs';
import { newId } from './ids';
import { BOARD_LIMITS, hasOnlyKeys, isPlainText, keepKeys, writePlainText } from './limits';
import { UUID_PATTERN, signalsMap, type BoardSignal } from './schema';

/** Keys of a signal's Y.Map. */
export const SIGNAL_KEYS = ['clientId', 'text', 'followUpBy', 'done'] as const;

export type ParsedSignal = { ok: true; signal: BoardSignal } | { ok: false; reason: string };

/**
 * Reads a signal's Y.Map into plain data, or says why it does not have the signal layout
 * (`text-too-long` for a text over BOARD_LIMITS.signalText).
 */
export function parseSignal(id: string, value: unknown): ParsedSignal {
	if (!UUID_PATTERN.test(id) || !(value instanceof Y.Map) || !hasOnlyKeys(value, SIGNAL_KEYS)) {
		return { ok: false, reason: 'invalid-layout' };
	}
	const clientId = value.get('clientId');
	const text = value.get('text');
	const followUpBy = value.get('followUpBy') ?? null;
	const done = value.get('done') ?? false;
	if (text instanceof Y.Text && text.length > BOARD_LIMITS.signalText) {
		return { ok: false, reason: 'text-too-long' };
	}
	if (
		typeof clientId !== 'string' ||
		!UUID_PATTERN.test(clientId) ||
		!(text instanceof Y.Text) ||
		!isPlainText(text) ||
		(followUpBy !== null && (typeof followUpBy !== 'string' || !UUID_PATTERN.test(followUpBy))) ||
		typeof done !== 'boolean'
	) {
		return { ok: false, reason: 'invalid-layout' };
	}
	return { ok: true, signal: { id, clientId, text: text.toString(), followUpBy, done } };
}

/**
 * Makes the signal's fields equal to `state`, touching only what differs (creating it when it
 * is missing). The server uses it to undo a refused change.
 */
export function writeSignalState(doc: Y.Doc, state: BoardSignal): void {
	doc.transact(() => {
		const existing = signalsMap(doc).get(state.id);
		if (!(existing instanceof Y.Map)) {
			addSignal(doc, state);
			if (state.done) setSignalDone(doc, state.id, true);
			return;
		}
		const map = existing as Y.Map<unknown>;
		keepKeys(map, SIGNAL_KEYS);
		if (map.get('clientId') !== state.clientId) map.set('clientId', state.clientId);
		if (map.get('followUpBy') !== state.followUpBy) map.set('followUpBy', state.followUpBy);
		if (map.get('done') !== state.done) map.set('done', state.done);
		const text = map.get('text');
		if (text instanceof Y.Text) writePlainText(text, state.text);
		else map.set('text', new Y.Text(state.text));
	});
}

export function addSignal(
	doc: Y.Doc,
	init: { id?: string; clientId: string; text: string; followUpBy?: string | null }
): string {
	const id = init.id ?? newId();
	doc.transact(() => {
		const map = new Y.Map<unknown>();
		map.set('clientId', init.clientId);
		map.set('text', new Y.Text(init.text));
		map.set('followUpBy', init.followUpBy ?? null);
		map.set('done', false);
		signalsMap(doc).set(id, map);
	});
	return id;
}

function signalMap(doc: Y.Doc, id: string): Y.Map<unknown> {
	const map = signalsMap(doc).get(id);
	if (!(map instanceof Y.Map)) throw new Error(`no signal ${id} on this board`);
	return map;
}

export function setSignalDone(doc: Y.Doc, id: string, done: boolean): void {
	doc.transact(() => signalMap(doc, id).set('done', done));
}

export function setSignalFollowUp(doc: Y.Doc, id: string, staffId: string | null): void {
	doc.transact(() => signalMap(doc, id).set('followUpBy', staffId));
}

export function readSignals(doc: Y.Doc): BoardSignal[] {
	const result: BoardSignal[] = [];
	for (const [id, map] of signalsMap(doc).entries()) {
		if (!(map instanceof Y.Map)) continue;
		const clientId = map.get('clientId');
		const text = map.get('text');
		const followUpBy = map.get('followUpBy');
		if (typeof clientId !== 'string') continue;
		result.push({
			id,
			clientId,
			text: text instanceof Y.Text ? text.toString() : '',
			followUpBy: typeof followUpBy === 'string' ? followUpBy : null,
			done: map.get('done') === true
		});
	}
	return result.sort((a, b) => (a.id < b.id ? -1 : 1));
}
