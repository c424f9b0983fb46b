/**
 * The device's outbox: commands made on a phone, often without reception ("Klar" after a
 * visit is a `time:record`), kept on the device until the server has acknowledged them.
 *
 * What holds:
 * - an item is persisted before `enqueue` resolves, so a report the worker saw accepted by the
 *   phone survives a reload, a crash or a flat battery;
 * - items are sent one at a time in the order they were made, and an item that could not be
 *   sent for a passing reason (no connection, timeout, server busy, session expired) stops the
 *   queue: a later report for the same visit is a correction and must not overtake it;
 * - every send of an item carries the same idempotency key, so resending after a lost
 *   acknowledgement or a reload is safe and the server counts the minutes once;
 * - an item the server refuses for good is kept as `failed` until the worker retries or
 *   discards it: nothing is dropped silently.
 *
 * This module knows nothing of Svelte, the DOM or socket.io: storage and sending are passed
 * in, so the same logic runs in the browser, in unit tests and against a fake server.
 */
import type { RealtimeError } from '$lib/realtime/protocol';

/** `sending` is the one item in flight; after a reload it counts as `waiting` again. */
export type OutboxState = 'waiting' | 'sending' | 'sent' | 'failed';

export interface OutboxItem<P = unknown> {
	/** The idempotency key, also the storage key; the same on every retry. */
	key: string;
	/** The socket.io command, e.g. `'time:record'`. */
	command: string;
	/** Sent as is; when it is an object its `idempotencyKey` equals `key`. */
	payload: P;
	/** What the UI shows about the item without the server, e.g. `{ visitId, clientName, minutes }`. */
	label: Record<string, unknown>;
	/** When the item was made (ms, never before an earlier item's); the send order with `seq`. */
	createdAt: number;
	/** Breaks ties of `createdAt`; grows with every item made on this device. */
	seq: number;
	state: OutboxState;
	/** How many times the item was handed to the sender. */
	attempts: number;
	/** The last refusal: a `RealtimeError` code, `'timeout'` or `'offline'`. */
	lastError?: string;
	/** The server's acknowledgement of a sent item. */
	result?: unknown;
	/** When the server acknowledged the item (ms). */
	sentAt?: number;
}

/**
 * Where the outbox keeps its items. Implementations store copies (as IndexedDB does), and a
 * `put` or `remove` has resolved only once it would survive a reload.
 */
export interface OutboxStorage {
	load(): Promise<OutboxItem[]>;
	put(item: OutboxItem): Promise<void>;
	remove(key: string): Promise<void>;
	clear(): Promise<void>;
}

/** The server's acknowledgement of a command: `Ack` of the socket.io protocol fits. */
export type OutboxAck =
	| ({ ok: true } & Record<string, unknown>)
	| ({ ok: false; error: string } & Record<string, unknown>);

/**
 * Sends one item's command and resolves with the server's acknowledgement. It rejects when no
 * acknowledgement came (timeout, no connection); the item may or may not have reached the
 * server then. A rejection whose reason is `'timeout'`, or an error named `TimeoutError` or
 * saying "timed out" (as socket.io's `timeout()` does), is recorded as `'timeout'`, any other
 * as `'offline'`.
 */
export type OutboxSender = (item: OutboxItem) => Promise<OutboxAck>;

/**
 * Refusals that may pass by themselves: the item stays `waiting` and stops the queue. The
 * rest (`invalid-input`, `not-found`, `forbidden`, `conflict`, `refused`, anything unknown)
 * will not change by resending, so the item becomes `failed` and the queue goes on.
 */
export const TRANSIENT_ERRORS: readonly string[] = [
	'internal',
	'rate-limited',
	'unauthorized',
	'timeout',
	'offline'
] satisfies readonly (RealtimeError | 'timeout' | 'offline')[];

export interface OutboxOptions {
	/** The clock (ms); `Date.now` unless a test steps it. */
	now?: () => number;
	/** How long a sent item stays visible (ms, from `sentAt`); pruned on load. Default 7 days. */
	keepSentMs?: number;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

function byOrder(a: OutboxItem, b: OutboxItem): number {
	return a.createdAt - b.createdAt || a.seq - b.seq;
}

function rejectionError(reason: unknown): 'timeout' | 'offline' {
	if (reason === 'timeout') return 'timeout';
	if (
		reason instanceof Error &&
		(reason.name === 'TimeoutError' || /timed? ?out/i.test(reason.message))
	)
		return 'timeout';
	return 'offline';
}

/** One run of `flush`, tied to the outbox's contents between two `clear()` calls. */
interface FlushRun {
	epoch: number;
	done: Promise<void>;
}

type SendOutcome = { ok: true; ack: OutboxAck } | { ok: false; error: string };

export class Outbox {
	/** Resolves once the stored items are loaded; every method waits for it. */
	readonly ready: Promise<void>;

	readonly #storage: OutboxStorage;
	readonly #now: () => number;
	readonly #keepSentMs: number;
	readonly #items = new Map<string, OutboxItem>();
	readonly #listeners = new Set<() => void>();
	#nextSeq = 0;
	#lastCreatedAt = -Infinity;
	/** Every change of items and storage runs in this chain, one at a time. */
	#lock: Promise<unknown> = Promise.resolve();
	/** Grows on `clear()`, so a send that was in flight at logout changes nothing after it. */
	#epoch = 0;
	#flushing: FlushRun | null = null;
	#sender: OutboxSender | null = null;
	/** Counts `flush` calls, so a call made while a send was failing is not swallowed. */
	#flushRequests = 0;

	constructor(storage: OutboxStorage, options: OutboxOptions = {}) {
		this.#storage = storage;
		this.#now = options.now ?? Date.now;
		this.#keepSentMs = options.keepSentMs ?? WEEK_MS;
		this.ready = this.#load();
		// A failed load reaches whoever awaits `ready` or calls a method, not the console.
		this.ready.catch(() => undefined);
	}

	/** All items in send order. Items are snapshots: a change replaces an item, never edits it. */
	items(): OutboxItem[] {
		return [...this.#items.values()].sort(byOrder);
	}

	/** What the server does not hold yet: waiting, sending and failed items. */
	pending(): number {
		let count = 0;
		for (const item of this.#items.values()) if (item.state !== 'sent') count++;
		return count;
	}

	/** Calls `listener` after every change, once it is persisted. Returns the unsubscribe. */
	subscribe(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	/**
	 * Queues a command; resolves with the item once it is persisted as `waiting`. The key
	 * defaults to a fresh UUID and is written into the payload's `idempotencyKey` when the
	 * payload is an object (a copy; the caller's object is left alone). A key already in the
	 * outbox is refused, as it would merge two different reports into one.
	 */
	enqueue<P>(
		command: string,
		payload: P,
		label: Record<string, unknown>,
		key: string = crypto.randomUUID()
	): Promise<OutboxItem<P>> {
		return this.#exclusive(async () => {
			if (this.#items.has(key)) throw new Error(`outbox: key ${key} is already queued`);
			const createdAt = Math.max(this.#now(), this.#lastCreatedAt);
			const item: OutboxItem<P> = {
				key,
				command,
				payload:
					payload !== null && typeof payload === 'object' && !Array.isArray(payload)
						? ({ ...payload, idempotencyKey: key } as P)
						: payload,
				label,
				createdAt,
				seq: this.#nextSeq,
				state: 'waiting',
				attempts: 0
			};
			await this.#commit(item);
			this.#nextSeq++;
			this.#lastCreatedAt = createdAt;
			return item;
		});
	}

	/**
	 * Sends the waiting items in order, one at a time, and resolves when none is left or a
	 * passing failure stopped the queue. A call while a flush runs joins it (nothing is sent
	 * twice, never two at once) and hands it its sender, used from the next send on; when the
	 * send in flight then fails for a passing reason, the flush tries once more instead of
	 * stopping, since the caller has news (typically: the connection is back).
	 */
	flush(send: OutboxSender): Promise<void> {
		this.#sender = send;
		this.#flushRequests++;
		const running = this.#flushing;
		if (running?.epoch === this.#epoch) return running.done;
		// A run from before `clear()` may still wait for its last send: start after it.
		const previous = running ? running.done.catch(() => undefined) : Promise.resolve();
		const run: FlushRun = { epoch: this.#epoch, done: Promise.resolve() };
		run.done = previous.then(() => this.#runFlush(run));
		this.#flushing = run;
		return run.done;
	}

	/** Puts a failed item back in the queue, in its original place. Other states: no change. */
	retry(key: string): Promise<void> {
		return this.#exclusive(async () => {
			const item = this.#items.get(key);
			if (item?.state !== 'failed') return;
			await this.#commit({ ...item, state: 'waiting' });
		});
	}

	/**
	 * Removes an item, whatever its state; the worker's choice for a failed one. A send of it
	 * already in flight is not recalled, its acknowledgement is ignored.
	 */
	discard(key: string): Promise<void> {
		return this.#exclusive(async () => {
			if (!this.#items.has(key)) return;
			await this.#storage.remove(key);
			this.#items.delete(key);
			this.#notify();
		});
	}

	/**
	 * Empties the outbox and its storage (logout). Call it only after `pending()` is 0 or the
	 * worker was warned: what it removes is lost. A send in flight changes nothing afterwards.
	 */
	clear(): Promise<void> {
		return this.#exclusive(async () => {
			this.#epoch++;
			await this.#storage.clear();
			this.#items.clear();
			this.#nextSeq = 0;
			this.#lastCreatedAt = -Infinity;
			this.#notify();
		});
	}

	async #load(): Promise<void> {
		const stored = await this.#storage.load();
		const now = this.#now();
		for (const item of stored.sort(byOrder)) {
			if (item.state === 'sent' && now - (item.sentAt ?? item.createdAt) > this.#keepSentMs) {
				await this.#storage.remove(item.key);
				continue;
			}
			let kept = item;
			if (item.state === 'sending') {
				// It may or may not have reached the server; the key makes resending safe.
				kept = { ...item, state: 'waiting' };
				await this.#storage.put(kept);
			}
			this.#items.set(kept.key, kept);
			this.#nextSeq = Math.max(this.#nextSeq, kept.seq + 1);
			this.#lastCreatedAt = Math.max(this.#lastCreatedAt, kept.createdAt);
		}
		this.#notify();
	}

	async #runFlush(run: FlushRun): Promise<void> {
		try {
			for (;;) {
				const item = await this.#exclusive(async () => {
					if (run.epoch !== this.#epoch) return null;
					const next = this.items().find((i) => i.state === 'waiting');
					if (!next) return null;
					const sending: OutboxItem = { ...next, state: 'sending', attempts: next.attempts + 1 };
					await this.#commit(sending);
					return sending;
				});
				const send = this.#sender;
				if (!item || !send) return;

				const requestsAtSend = this.#flushRequests;
				const outcome = await sendOnce(send, item);

				const goOn = await this.#exclusive(async () => {
					if (run.epoch !== this.#epoch) return false;
					const current = this.#items.get(item.key);
					// Discarded while in flight: the worker let it go; the rest may go on.
					if (current?.state !== 'sending') return true;
					if (outcome.ok) {
						const sent: OutboxItem = {
							...current,
							state: 'sent',
							result: outcome.ack,
							sentAt: this.#now()
						};
						await this.#commit(sent);
						return true;
					}
					if (!TRANSIENT_ERRORS.includes(outcome.error)) {
						await this.#commit({ ...current, state: 'failed', lastError: outcome.error });
						return true;
					}
					// Read before the change is told: a listener that flushes on every change must
					// not turn an unreachable server into a busy loop.
					const askedAgain = this.#flushRequests > requestsAtSend;
					await this.#commit({ ...current, state: 'waiting', lastError: outcome.error });
					return askedAgain;
				});
				if (!goOn) return;
			}
		} finally {
			// In the same step as the last decision, so a flush asked for after it starts afresh.
			if (this.#flushing === run) this.#flushing = null;
		}
	}

	/** Persists an item, then shows it, then tells the listeners. Runs inside the lock. */
	async #commit(item: OutboxItem): Promise<void> {
		await this.#storage.put(item);
		this.#items.set(item.key, item);
		this.#notify();
	}

	/** Runs a change after the load and after every change before it; a failed load fails it. */
	#exclusive<T>(change: () => Promise<T>): Promise<T> {
		const run = this.#lock.then(() => this.ready).then(change);
		this.#lock = run.catch(() => undefined);
		return run;
	}

	#notify(): void {
		for (const listener of [...this.#listeners]) {
			try {
				listener();
			} catch (error) {
				// A broken listener must not stop the queue nor hide the others' updates.
				queueMicrotask(() => {
					throw error;
				});
			}
		}
	}
}

async function sendOnce(send: OutboxSender, item: OutboxItem): Promise<SendOutcome> {
	try {
		const ack = await send(item);
		if (ack?.ok === true) return { ok: true, ack };
		return { ok: false, error: typeof ack?.error === 'string' ? ack.error : 'internal' };
	} catch (reason) {
		return { ok: false, error: rejectionError(reason) };
	}
}

/** Keeps items in memory, copied as IndexedDB would: for tests and for devices without it. */
export class MemoryOutboxStorage implements OutboxStorage {
	readonly #items = new Map<string, OutboxItem>();

	async load(): Promise<OutboxItem[]> {
		return [...this.#items.values()].map((item) => structuredClone(item));
	}

	async put(item: OutboxItem): Promise<void> {
		this.#items.set(item.key, structuredClone(item));
	}

	async remove(key: string): Promise<void> {
		this.#items.delete(key);
	}

	async clear(): Promise<void> {
		this.#items.clear();
	}
}
