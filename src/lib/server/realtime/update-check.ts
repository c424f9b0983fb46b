/**
 * Whether an incoming Yjs update can be applied completely to the server's doc. An update
 * that builds on history the server lacks would be kept aside by Yjs as "pending structs"
 * and integrated whenever the missing piece arrives — a state the authority could never
 * judge. Such updates are refused before they touch the doc (DESIGN.md §6). A real client
 * only sends them after a bug or tampering: it always syncs from the server first.
 */
import * as Y from 'yjs';

export type UpdateCheck = { ok: true } | { ok: false; reason: 'malformed' | 'missing-history' };

export function checkIncomingUpdate(doc: Y.Doc, update: Uint8Array): UpdateCheck {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	// How far the doc reaches per client once the update's structs are in.
	const reach = new Map<number, number>();
	const stateOf = (client: number) => reach.get(client) ?? Y.getState(doc.store, client);
	for (const struct of decoded.structs) {
		if (struct instanceof Y.Skip) continue;
		const { client, clock } = struct.id;
		const have = stateOf(client);
		if (clock > have) return { ok: false, reason: 'missing-history' };
		if (clock + struct.length > have) reach.set(client, clock + struct.length);
	}
	const known = (id: Y.ID | null) => id === null || id.clock < stateOf(id.client);
	// Yjs integrates a client's structs in clock order, so a struct may refer only back to an
	// earlier clock of its own client: a reference forward makes it read a struct that is not
	// there yet (a real client never writes one; a damaged update does, and Yjs then throws
	// half-way through the update).
	const forward = (id: Y.ID | null, own: Y.ID) =>
		id !== null && id.client === own.client && id.clock >= own.clock;
	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		const parent = struct.parent as unknown;
		if (
			forward(struct.origin, struct.id) ||
			forward(struct.rightOrigin, struct.id) ||
			(parent instanceof Y.ID && forward(parent, struct.id))
		) {
			return { ok: false, reason: 'malformed' };
		}
		if (
			!known(struct.origin) ||
			!known(struct.rightOrigin) ||
			(parent instanceof Y.ID && !known(parent))
		) {
			return { ok: false, reason: 'missing-history' };
		}
	}
	for (const [client, deletions] of decoded.ds.clients) {
		const have = stateOf(client);
		for (const d of deletions) {
			if (d.clock + d.len > have) return { ok: false, reason: 'missing-history' };
		}
	}
	return { ok: true };
}
