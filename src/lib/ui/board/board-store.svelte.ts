/**
 * The board as the browser holds it: one Yjs doc per team and ISO week, kept in IndexedDB
 * so work survives going offline, synced over the stock y-websocket provider, plus the
 * socket.io channel for verdicts, presence, frame figures and commands. Components read
 * the runes state here and change the board only through `$lib/board` operations.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { io, type Socket } from 'socket.io-client';
import {
	boardRoom,
	readAbsences,
	readHuddle,
	readSignals,
	visitsOf,
	type AbsenceValue,
	type BoardSignal,
	type BoardVisit,
	type HuddleDay
} from '$lib/board';
import type { IsoDate } from '$lib/domain/types';
import {
	CLOSE_CODES,
	SOCKET_IO_PATH,
	TOO_MANY_CONNECTIONS,
	YJS_PATH,
	type AbsenceSetPayload,
	type AbsenceSetResult,
	type ClientToServerEvents,
	type FrameRow,
	type NoticeEvent,
	type PresenceEvent,
	type ServerToClientEvents,
	type VerdictEvent,
	type WeekFillResult
} from '$lib/realtime/protocol';

export type SyncState = 'connecting' | 'offline' | 'waiting' | 'saved';

/**
 * Why the server does not take this board's connection right now: too many tabs on this
 * sign-in, too many boards open (or opened too fast), or the board is full. The provider
 * keeps trying; the reason clears once it is connected again.
 */
export type RefusedBecause = 'connections' | 'boards' | 'board-full';

export interface BoardUser {
	id: string;
	name: string;
}

export interface PresentUser {
	id: string;
	name: string;
	devices: number;
}

export interface ShownNotice extends NoticeEvent {
	key: number;
}

export interface ShownVerdict extends VerdictEvent {
	key: number;
	at: number;
}

/** Boards open on this device, so logging out can wait for (or warn about) unsent changes. */
const openBoards: BoardStore[] = [];

export function unsavedBoards(): number {
	return openBoards.filter((b) => b.pendingChanges > 0 || !b.allSaved).length;
}

export class BoardStore {
	readonly room: string;
	readonly doc = new Y.Doc();

	visits = $state.raw<BoardVisit[]>([]);
	absences = $state.raw<Record<string, Record<IsoDate, AbsenceValue>>>({});
	signals = $state.raw<BoardSignal[]>([]);
	huddleVersion = $state(0);
	present = $state.raw<PresentUser[]>([]);
	verdicts = $state.raw<ShownVerdict[]>([]);
	/** News from outside the board (a decision or a competence changed), newest last. */
	notices = $state.raw<ShownNotice[]>([]);
	frames = $state.raw<Record<string, FrameRow[]>>({});
	connected = $state(false);
	synced = $state(false);
	/** Local changes made while not connected; they are sent on reconnect. */
	pendingChanges = $state(0);
	/** The first load from this device's storage (or nothing stored) is done. */
	loadedLocally = $state(false);
	sessionEnded = $state(false);
	refused = $state<RefusedBecause | null>(null);

	syncState: SyncState = $derived(
		this.connected && this.synced
			? 'saved'
			: this.pendingChanges > 0
				? 'waiting'
				: this.connected
					? 'connecting'
					: 'offline'
	);

	#provider: WebsocketProvider | null = null;
	#local: IndexeddbPersistence | null = null;
	#socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
	#scheduled = false;
	#verdictKey = 0;
	#destroyed = false;

	constructor(
		readonly teamId: string,
		readonly week: string,
		readonly user: BoardUser,
		initialFrames: FrameRow[] = []
	) {
		this.room = boardRoom(teamId, week);
		this.frames = groupFrames(initialFrames);
		this.doc.on('update', (_update: Uint8Array, origin: unknown) => {
			if (origin !== this.#provider && !this.connected) this.pendingChanges += 1;
			this.#schedule();
		});
	}

	/** Opens local storage, the Yjs socket and the socket.io channel (browser only). */
	connect(): void {
		openBoards.push(this);
		const wsOrigin = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
		this.#local = new IndexeddbPersistence(this.room, this.doc);
		void this.#local.whenSynced.then(() => {
			this.loadedLocally = true;
			this.#schedule();
		});
		const provider = new WebsocketProvider(wsOrigin + YJS_PATH, this.room, this.doc, {
			// A refused change must never reach another tab before its compensation does.
			disableBc: true,
			maxBackoffTime: 5000
		});
		this.#provider = provider;
		provider.awareness.setLocalStateField('user', this.user);
		provider.on('status', ({ status }: { status: string }) => {
			this.connected = status === 'connected';
			if (!this.connected) this.synced = false;
		});
		provider.on('sync', (isSynced: boolean) => {
			this.synced = isSynced;
			if (isSynced) {
				this.pendingChanges = 0;
				this.refused = null;
			}
		});
		provider.on('connection-close', (event: CloseEvent | null) => {
			if (event?.code === CLOSE_CODES.boardFull) this.refused = 'board-full';
			else if (event?.code === CLOSE_CODES.overLimit) {
				this.refused = event.reason === 'too many boards' ? 'boards' : 'connections';
			}
		});
		provider.awareness.on('change', () => this.#readAwareness());

		const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
			path: SOCKET_IO_PATH,
			withCredentials: true,
			transports: ['websocket']
		});
		this.#socket = socket;
		const join = () =>
			socket.emit('join', { room: this.room }, (result) => {
				if (result.ok) this.#setPresence(result.presence);
			});
		socket.on('connect', join);
		socket.on('connect_error', (error) => {
			if (error.message !== TOO_MANY_CONNECTIONS) return;
			this.refused = 'connections';
			// The server refused in its handshake, so socket.io does not retry by itself.
			setTimeout(() => {
				if (!this.#destroyed) socket.connect();
			}, 10_000);
		});
		socket.on('verdict', (event) => {
			if (event.room !== this.room) return;
			const shown: ShownVerdict = { ...event, key: ++this.#verdictKey, at: Date.now() };
			this.verdicts = [...this.verdicts.slice(-4), shown];
		});
		socket.on('notice', (event) => {
			if (event.room !== this.room) return;
			this.notices = [...this.notices.slice(-4), { ...event, key: ++this.#verdictKey }];
		});
		socket.on('presence', (event) => {
			if (event.room === this.room) this.#setPresence(event);
		});
		socket.on('frames', (event) => {
			if (event.room !== this.room) return;
			const next = { ...this.frames };
			for (const [clientId, rows] of Object.entries(groupFrames(event.frames))) {
				const kept = (next[clientId] ?? []).filter((r) => !rows.some((n) => n.period === r.period));
				next[clientId] = [...kept, ...rows];
			}
			this.frames = next;
		});
		socket.on('session:ended', () => {
			this.sessionEnded = true;
		});
		// The browser knows about a lost network before a socket times out: go offline at
		// once (changes stay on the device) and reconnect as soon as the network is back.
		window.addEventListener('offline', this.#wentOffline);
		window.addEventListener('online', this.#cameOnline);
		if (!navigator.onLine) this.#wentOffline();
	}

	#wentOffline = () => {
		this.#provider?.disconnect();
		this.#socket?.disconnect();
		this.connected = false;
		this.synced = false;
	};

	#cameOnline = () => {
		this.#provider?.connect();
		this.#socket?.connect();
	};

	dismissVerdict(key: number): void {
		this.verdicts = this.verdicts.filter((v) => v.key !== key);
		this.notices = this.notices.filter((n) => n.key !== key);
	}

	huddle(date: IsoDate): HuddleDay {
		void this.huddleVersion;
		return readHuddle(this.doc, date);
	}

	/** Marks a person away (or back, with `null`); the server hands their visits back. */
	setAbsence(
		staffId: string,
		date: IsoDate,
		dayParts: AbsenceSetPayload['dayParts']
	): Promise<AbsenceSetResult> {
		const socket = this.#socket;
		if (!socket?.connected) {
			return Promise.resolve({ ok: false, error: 'internal' });
		}
		return new Promise((resolve) => {
			socket
				.timeout(10_000)
				.emit(
					'absence:set',
					{ staffId, date, dayParts, idempotencyKey: crypto.randomUUID() },
					(err: Error | null, result: AbsenceSetResult) =>
						resolve(err ? { ok: false, error: 'internal' } : result)
				);
		});
	}

	/** Fills this week from the team's base plan; the server does it at most once per week. */
	fillWeek(): Promise<WeekFillResult> {
		const socket = this.#socket;
		if (!socket?.connected) return Promise.resolve({ ok: false, error: 'internal' });
		return new Promise((resolve) => {
			socket
				.timeout(30_000)
				.emit(
					'week:fill',
					{ room: this.room, idempotencyKey: crypto.randomUUID() },
					(err: Error | null, result: WeekFillResult) =>
						resolve(err ? { ok: false, error: 'internal' } : result)
				);
		});
	}

	/**
	 * Whether every change made on this device has reached the server. Logging out waits for
	 * this, or warns, before the device's copy is cleared.
	 */
	get allSaved(): boolean {
		return this.syncState === 'saved';
	}

	/** Closes the sockets; the local copy stays for next time. */
	destroy(): void {
		this.#destroyed = true;
		const index = openBoards.indexOf(this);
		if (index >= 0) openBoards.splice(index, 1);
		window.removeEventListener('offline', this.#wentOffline);
		window.removeEventListener('online', this.#cameOnline);
		this.#socket?.disconnect();
		this.#provider?.destroy();
		void this.#local?.destroy();
		this.doc.destroy();
	}

	#schedule() {
		if (this.#scheduled) return;
		this.#scheduled = true;
		queueMicrotask(() => {
			this.#scheduled = false;
			this.visits = visitsOf(this.doc);
			this.absences = readAbsences(this.doc);
			this.signals = readSignals(this.doc);
			this.huddleVersion += 1;
		});
	}

	#setPresence(event: PresenceEvent) {
		this.present = event.users;
	}

	#readAwareness() {
		// Presence comes from the server (one entry per person, however many devices); the
		// awareness states add people whose socket.io channel has not joined yet.
		const provider = this.#provider;
		if (!provider) return;
		const known: PresentUser[] = [...this.present];
		for (const state of provider.awareness.getStates().values()) {
			const user = (state as { user?: BoardUser }).user;
			if (user && !known.some((p) => p.id === user.id)) known.push({ ...user, devices: 1 });
		}
		if (known.length !== this.present.length) this.present = known;
	}
}

function groupFrames(rows: FrameRow[]): Record<string, FrameRow[]> {
	const grouped: Record<string, FrameRow[]> = {};
	for (const row of rows) (grouped[row.clientId] ??= []).push(row);
	return grouped;
}

/** Clears every board kept on this device (at logout, so the next person sees nothing). */
export async function clearLocalBoards(): Promise<void> {
	if (typeof indexedDB === 'undefined' || !indexedDB.databases) return;
	const databases = await indexedDB.databases();
	await Promise.all(
		databases
			.filter((d) => d.name?.startsWith('board:'))
			.map(
				(d) =>
					new Promise<void>((resolve) => {
						const request = indexedDB.deleteDatabase(d.name!);
						request.onsuccess = request.onerror = request.onblocked = () => resolve();
					})
			)
	);
}
