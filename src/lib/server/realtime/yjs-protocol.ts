/**
 * The y-websocket wire protocol (sync step 1/2, update, awareness), read strictly: anything
 * that is not exactly one well-formed message throws, and the host closes that socket.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export type IncomingMessage =
	| { kind: 'sync-step-1'; stateVector: Uint8Array }
	| { kind: 'update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array }
	| { kind: 'query-awareness' };

export class MalformedMessage extends Error {}

/** Parses one client message; throws `MalformedMessage` on anything else. */
export function parseMessage(data: Uint8Array): IncomingMessage {
	try {
		const decoder = decoding.createDecoder(data);
		const type = decoding.readVarUint(decoder);
		let message: IncomingMessage;
		if (type === MESSAGE_SYNC) {
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === SYNC_STEP_1) {
				Y.decodeStateVector(payload);
				message = { kind: 'sync-step-1', stateVector: payload };
			} else if (step === SYNC_STEP_2 || step === SYNC_UPDATE) {
				message = { kind: 'update', update: payload };
			} else throw new MalformedMessage('unknown sync step');
		} else if (type === MESSAGE_AWARENESS) {
			message = { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
		} else if (type === MESSAGE_QUERY_AWARENESS) {
			message = { kind: 'query-awareness' };
		} else throw new MalformedMessage('unknown message type');
		if (decoding.hasContent(decoder)) throw new MalformedMessage('trailing bytes');
		return message;
	} catch (error) {
		if (error instanceof MalformedMessage) throw error;
		throw new MalformedMessage('unreadable message');
	}
}

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
}

export const syncStep1Message = (doc: Y.Doc) =>
	message((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_STEP_1);
		encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
	});

export const syncStep2Message = (update: Uint8Array) =>
	message((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_STEP_2);
		encoding.writeVarUint8Array(e, update);
	});

export const updateMessage = (update: Uint8Array) =>
	message((e) => {
		encoding.writeVarUint(e, MESSAGE_SYNC);
		encoding.writeVarUint(e, SYNC_UPDATE);
		encoding.writeVarUint8Array(e, update);
	});

export const awarenessMessage = (update: Uint8Array) =>
	message((e) => {
		encoding.writeVarUint(e, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(e, update);
	});
