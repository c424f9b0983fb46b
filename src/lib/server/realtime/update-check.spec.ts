import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { checkIncomingUpdate } from './update-check';

/** One client's structs as a v1 update (no deletions), written the way Yjs writes them. */
function encodeStructs(structs: Y.Item[]): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, 1);
	encoding.writeVarUint(encoder.restEncoder, structs.length);
	encoder.writeClient(structs[0].id.client);
	encoding.writeVarUint(encoder.restEncoder, structs[0].id.clock);
	for (const struct of structs) struct.write(encoder, 0);
	encoding.writeVarUint(encoder.restEncoder, 0);
	return encoder.toUint8Array();
}

describe('what the server applies', () => {
	it('refuses as malformed a struct that refers forward in its own client', () => {
		const author = new Y.Doc();
		const text = author.getText('t');
		text.insert(0, 'a');
		text.insert(0, 'b');
		const structs = Y.decodeUpdate(Y.encodeStateAsUpdate(author)).structs as Y.Item[];
		expect(structs).toHaveLength(2);
		expect(checkIncomingUpdate(new Y.Doc(), encodeStructs(structs))).toEqual({ ok: true });

		// The first struct now claims to sit before the second one, which Yjs has not read yet.
		structs[0].rightOrigin = structs[1].id;
		const damaged = encodeStructs(structs);
		expect(() => Y.applyUpdate(new Y.Doc(), damaged)).toThrow();
		expect(checkIncomingUpdate(new Y.Doc(), damaged)).toEqual({ ok: false, reason: 'malformed' });
	});
});
