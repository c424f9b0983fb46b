/**
 * Signals (iakttagelser): something noticed about a client to follow up — mood, health, a
 * need that changed. They live on the week's board so the huddle sees them.
 */
import * as Y from 'yjs';
import { newId } from './ids';
import { signalsMap, type BoardSignal } from './schema';

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
