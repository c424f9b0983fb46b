/**
 * Which board rooms have socket.io subscribers in the other processes of a cluster. A board's
 * owner sends frame figures and presence only to boards somebody follows; with subscribers
 * spread over processes it learns about the others' from this. Each process says at once when
 * one of its board rooms gets its first subscriber or loses its last, and repeats its whole
 * list every few seconds, so a process that starts learns the others' lists and the entries of
 * a process that died expire.
 */
import { randomUUID } from 'node:crypto';
import { parseBoardRoom } from '$lib/board/schema';

/** What the processes send each other for it (socket.io server-side events). */
export interface InterestEvents {
	'interest:changed'(process: string, room: string, followed: boolean): void;
	'interest:all'(process: string, rooms: string[]): void;
}

interface InterestIo {
	of(namespace: '/'): {
		adapter: {
			rooms: Map<string, Set<string>>;
			on(event: 'create-room' | 'delete-room', listener: (room: string) => void): unknown;
		};
	};
	on<E extends keyof InterestEvents>(event: E, listener: InterestEvents[E]): unknown;
	serverSideEmit(event: string, ...args: unknown[]): boolean;
}

export class RemoteInterest {
	private readonly self = randomUUID();
	private readonly others = new Map<string, { rooms: Set<string>; heardAt: number }>();
	private readonly timer: NodeJS.Timeout;

	constructor(
		private readonly io: InterestIo,
		private readonly everyMs = 5000
	) {
		const adapter = io.of('/').adapter;
		adapter.on('create-room', (room) => this.announce(room, true));
		adapter.on('delete-room', (room) => this.announce(room, false));
		io.on('interest:changed', (process, room, followed) => {
			const entry = this.entry(process);
			if (followed) entry.rooms.add(room);
			else entry.rooms.delete(room);
		});
		io.on('interest:all', (process, rooms) => {
			this.others.set(process, { rooms: new Set(rooms), heardAt: Date.now() });
		});
		this.timer = setInterval(() => this.tellAll(), everyMs);
		this.timer.unref();
		this.tellAll();
	}

	/** True when another process has a socket.io subscriber of `room`. */
	has(room: string): boolean {
		const since = Date.now() - 3 * this.everyMs;
		for (const [process, entry] of this.others) {
			if (entry.heardAt < since) this.others.delete(process);
			else if (entry.rooms.has(room)) return true;
		}
		return false;
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private entry(process: string) {
		let entry = this.others.get(process);
		if (!entry) this.others.set(process, (entry = { rooms: new Set(), heardAt: Date.now() }));
		return entry;
	}

	private announce(room: string, followed: boolean): void {
		if (parseBoardRoom(room) === null) return;
		this.io.serverSideEmit('interest:changed', this.self, room, followed);
	}

	private tellAll(): void {
		const rooms = [...this.io.of('/').adapter.rooms.keys()].filter(
			(r) => parseBoardRoom(r) !== null
		);
		this.io.serverSideEmit('interest:all', this.self, rooms);
	}
}
