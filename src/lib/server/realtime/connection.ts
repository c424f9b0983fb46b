/**
 * One y-websocket connection of a board: its rate limits and its awareness ids. A connection
 * is limited on its own and, through a budget it shares with the other connections of the
 * same session, as a whole: opening more sockets does not buy a faster rate.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '$lib/realtime/protocol';
import { TokenBucket } from './rate-limit';
import type { Actor } from './room';

export interface ConnectionRates {
	/** Messages per connection: burst and per second. */
	messageBurst: number;
	messagesPerSecond: number;
	/** Bytes per connection: burst and per second. */
	byteBurst: number;
	bytesPerSecond: number;
}

/** Limits shared by several connections (those of one session). */
export interface RateBudget {
	messages: TokenBucket;
	bytes: TokenBucket;
}

/** What a connection tells its board when it closes. */
export interface ConnectionOwner {
	removeConnection(conn: YConnection): void;
}

export class YConnection {
	readonly awarenessIds = new Set<number>();
	closed = false;
	private readonly messages: TokenBucket;
	private readonly bytes: TokenBucket;

	constructor(
		readonly ws: WebSocket,
		readonly actor: Actor,
		readonly room: ConnectionOwner,
		options: ConnectionRates,
		private readonly shared?: RateBudget
	) {
		this.messages = new TokenBucket(options.messageBurst, options.messagesPerSecond);
		this.bytes = new TokenBucket(options.byteBurst, options.bytesPerSecond);
	}

	/** False when the connection, or its session, went over its rate limit. */
	admit(size: number): boolean {
		if (!this.messages.take(1) || !this.bytes.take(size)) return false;
		return !this.shared || (this.shared.messages.take(1) && this.shared.bytes.take(size));
	}

	send(data: Uint8Array, maxBuffered: number): void {
		if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
		if (this.ws.bufferedAmount > maxBuffered) {
			this.close(CLOSE_CODES.policy, 'too slow');
			return;
		}
		this.ws.send(data, { binary: true });
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		try {
			this.ws.close(code, reason);
		} catch {
			this.ws.terminate();
		}
		this.room.removeConnection(this);
	}
}

/**
 * The part of an awareness update that `conn` may apply: presence entries of client ids that
 * no connection of another session holds (null when nothing is left). Otherwise any device
 * could rename another's presence or make it vanish from everyone's screen. A device that
 * reconnects in the same session takes its ids over from its old, perhaps half-open, socket.
 * Throws on an update that does not decode.
 */
export function ownPresence(
	update: Uint8Array,
	conn: YConnection,
	connections: Iterable<YConnection>
): Uint8Array | null {
	const decoder = decoding.createDecoder(update);
	const entries: { id: number; clock: number; state: string }[] = [];
	for (let n = decoding.readVarUint(decoder); n > 0; n--) {
		entries.push({
			id: decoding.readVarUint(decoder),
			clock: decoding.readVarUint(decoder),
			state: decoding.readVarString(decoder)
		});
	}
	const others = [...connections].filter((c) => c !== conn && !c.closed);
	const own = entries.filter((entry) => {
		for (const other of others) {
			if (!other.awarenessIds.has(entry.id)) continue;
			if (other.actor.sessionId !== conn.actor.sessionId) return false;
			other.awarenessIds.delete(entry.id);
		}
		return true;
	});
	if (own.length === entries.length) return update;
	if (own.length === 0) return null;
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, own.length);
	for (const entry of own) {
		encoding.writeVarUint(encoder, entry.id);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}
