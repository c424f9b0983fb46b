import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimeRecordPayload, TimeRecordResult } from '$lib/realtime/protocol';
import {
	MemoryOutboxStorage,
	Outbox,
	type OutboxAck,
	type OutboxItem,
	type OutboxSender,
	type OutboxStorage
} from './outbox';

const VISITS = [
	'0b8f6c1e-4a43-4c8e-9a0e-6f1d2c3b4a51',
	'1c9a7d2f-5b54-4d9f-8b1f-7a2e3d4c5b62',
	'2dab8e3a-6c65-4ea0-9c2a-8b3f4e5d6c73'
];

/** A stepped clock: the device's time, which may also jump back (a phone setting its clock). */
function clock(start = Date.UTC(2026, 10, 23, 8)) {
	let t = start;
	return {
		now: () => t,
		advance(ms: number) {
			t += ms;
		}
	};
}

/** Lets other promise callbacks run, as a network round trip would. */
async function roundTrip() {
	for (let i = 0; i < 3; i++) await Promise.resolve();
}

/** Waits (a bounded number of turns) until the outbox reaches a state the test needs. */
async function until(condition: () => boolean) {
	for (let turn = 0; turn < 100 && !condition(); turn++) {
		await new Promise((resolve) => setTimeout(resolve, 0));
	}
	expect(condition()).toBe(true);
}

/** What happens to one send: answered, lost before the server, or applied with the ack lost. */
type Link = 'up' | 'down' | 'ack-lost' | 'timeout' | 'internal' | 'rate-limited' | 'invalid-input';

/** Every fake server of the running test; what one saw wrong fails the test. */
const servers: FakeServer[] = [];
afterEach(() => {
	for (const server of servers.splice(0)) expect(server.problems).toEqual([]);
});

/**
 * The server's side of `time:record` as DESIGN.md §6 asks: an idempotency key counts its
 * minutes once and a replay is answered like the first call; a later report of a visit
 * corrects the one before. It also watches the device: never two of its commands in flight,
 * and never a command before every command made earlier has been applied or refused. What it
 * sees wrong goes to `problems` (a throw would look like a lost connection to the outbox).
 */
class FakeServer {
	/** The device's items in the order they were made, as the test enqueued them. */
	readonly made: string[] = [];
	/** Keys in the order the server first applied them. */
	readonly applied: string[] = [];
	readonly minutesByVisit = new Map<string, number>();
	readonly calls: string[] = [];
	readonly problems: string[] = [];
	readonly #entries = new Map<string, TimeRecordResult>();
	readonly #refused = new Set<string>();
	readonly #lastEntryOfVisit = new Map<string, string>();
	#inFlight = 0;
	maxInFlight = 0;

	constructor() {
		servers.push(this);
	}

	/** A sender over a connection that behaves as `links` says, call by call, then as `rest`. */
	sender(links: Link[] = [], rest: Link = 'up'): OutboxSender {
		let call = 0;
		return async (item) => this.#receive(item, links[call++] ?? rest);
	}

	async #receive(item: OutboxItem, link: Link): Promise<TimeRecordResult> {
		this.#inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
		try {
			await roundTrip();
			if (link === 'down') throw new Error('xhr poll error');
			if (link === 'timeout') throw new Error('operation has timed out');
			if (link === 'internal' || link === 'rate-limited') return { ok: false, error: link };
			if (link === 'invalid-input') {
				this.#check(item);
				this.#refused.add(item.key);
				return { ok: false, error: link };
			}
			const ack = this.apply(item);
			await roundTrip();
			if (link === 'ack-lost') throw new Error('transport close');
			return ack;
		} finally {
			this.#inFlight--;
		}
	}

	/** Applies one command, or answers its replay. */
	apply(item: OutboxItem): TimeRecordResult {
		this.#check(item);
		const payload = item.payload as TimeRecordPayload;
		const first = this.#entries.get(item.key);
		if (first?.ok) return { ...first, replayed: true };
		const ack: TimeRecordResult = {
			ok: true,
			entryId: crypto.randomUUID(),
			correctsId: this.#lastEntryOfVisit.get(payload.visitId) ?? null,
			overdrawn: false,
			replayed: false
		};
		this.#entries.set(item.key, ack);
		this.#lastEntryOfVisit.set(payload.visitId, ack.entryId);
		this.applied.push(item.key);
		this.minutesByVisit.set(
			payload.visitId,
			(this.minutesByVisit.get(payload.visitId) ?? 0) + payload.minutes
		);
		return ack;
	}

	/** What the outbox promises about every command that reaches the server. */
	#check(item: OutboxItem) {
		this.calls.push(item.key);
		const payload = item.payload as TimeRecordPayload;
		if (item.command !== 'time:record') this.problems.push(`${item.key}: ${item.command}`);
		if (payload.idempotencyKey !== item.key) this.problems.push(`${item.key}: payload key`);
		for (const earlier of this.made.slice(0, this.made.indexOf(item.key))) {
			if (!this.#entries.has(earlier) && !this.#refused.has(earlier)) {
				this.problems.push(`${item.key} overtook ${earlier}`);
			}
		}
	}
}

/** A report of "Klar" for a visit, the way the visit sheet queues it. */
function record(outbox: Outbox, visitId: string, minutes: number, key?: string) {
	return outbox.enqueue<Omit<TimeRecordPayload, 'idempotencyKey'>>(
		'time:record',
		{ visitId, minutes },
		{ visitId, clientName: 'Karin Holm', minutes },
		key
	);
}

/** Storage that logs what it was asked to do, to check that changes are kept before shown. */
class LoggingStorage implements OutboxStorage {
	readonly log: string[] = [];
	readonly #inner = new MemoryOutboxStorage();
	load() {
		return this.#inner.load();
	}
	async put(item: OutboxItem) {
		await this.#inner.put(item);
		this.log.push(`put ${item.state}`);
	}
	async remove(key: string) {
		await this.#inner.remove(key);
		this.log.push('remove');
	}
	async clear() {
		await this.#inner.clear();
		this.log.push('clear');
	}
}

describe('outbox: keeping reports on the device', () => {
	it('keeps a report before saying so, with its key in the payload, across a reload', async () => {
		const storage = new MemoryOutboxStorage();
		const outbox = new Outbox(storage);
		const payload = { visitId: VISITS[0], minutes: 35 };
		const item = await outbox.enqueue('time:record', payload, { minutes: 35 });

		expect(item.state).toBe('waiting');
		expect(item.payload).toEqual({ ...payload, idempotencyKey: item.key });
		expect(payload).not.toHaveProperty('idempotencyKey');

		const reloaded = new Outbox(storage);
		await reloaded.ready;
		expect(reloaded.items()).toEqual([item]);
		expect(reloaded.pending()).toBe(1);
	});

	it('uses the key it is given and refuses a second report with the same key', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		const item = await record(outbox, VISITS[0], 20, 'klar-0001-key');
		expect(item.key).toBe('klar-0001-key');
		expect((item.payload as TimeRecordPayload).idempotencyKey).toBe('klar-0001-key');
		await expect(record(outbox, VISITS[0], 25, 'klar-0001-key')).rejects.toThrow(/already/);
		expect(outbox.items()).toHaveLength(1);
	});

	it('keeps the order reports were made in, even when the phone clock jumps back', async () => {
		const time = clock();
		const storage = new MemoryOutboxStorage();
		const outbox = new Outbox(storage, { now: time.now });
		const a = await record(outbox, VISITS[0], 30);
		const b = await record(outbox, VISITS[0], 25); // same millisecond: a correction of a
		time.advance(-60_000);
		const c = await record(outbox, VISITS[1], 40);

		const reloaded = new Outbox(storage, { now: time.now });
		await reloaded.ready;
		const d = await record(reloaded, VISITS[1], 45);
		expect(reloaded.items().map((i) => i.key)).toEqual([a.key, b.key, c.key, d.key]);

		const server = new FakeServer();
		server.made.push(a.key, b.key, c.key, d.key);
		await reloaded.flush(server.sender());
		expect(server.applied).toEqual([a.key, b.key, c.key, d.key]);
	});

	it('tells listeners only what is already stored, and stops telling after unsubscribe', async () => {
		const storage = new LoggingStorage();
		const outbox = new Outbox(storage);
		const unsubscribe = outbox.subscribe(() => storage.log.push('notify'));
		const item = await record(outbox, VISITS[0], 15);
		const server = new FakeServer();
		server.made.push(item.key);
		await outbox.flush(server.sender());
		expect(storage.log).toEqual([
			'notify', // the load
			'put waiting',
			'notify',
			'put sending',
			'notify',
			'put sent',
			'notify'
		]);
		unsubscribe();
		await record(outbox, VISITS[0], 20);
		expect(storage.log.at(-1)).toBe('put waiting');
	});
});

describe('outbox: sending', () => {
	it('marks an acknowledged report sent with the server’s answer', async () => {
		const time = clock();
		const outbox = new Outbox(new MemoryOutboxStorage(), { now: time.now });
		const item = await record(outbox, VISITS[0], 30);
		const server = new FakeServer();
		server.made.push(item.key);
		time.advance(5_000);
		await outbox.flush(server.sender());

		const [sent] = outbox.items();
		expect(sent).toMatchObject({ state: 'sent', attempts: 1, sentAt: time.now() });
		expect(sent.result).toMatchObject({ ok: true, replayed: false });
		expect(outbox.pending()).toBe(0);
	});

	it.each([
		['down', 'offline'],
		['timeout', 'timeout'],
		['ack-lost', 'offline'],
		['internal', 'internal'],
		['rate-limited', 'rate-limited']
	] as const)(
		'after a passing failure (%s) resends the same key later and lets nothing overtake',
		async (link, lastError) => {
			const outbox = new Outbox(new MemoryOutboxStorage());
			const first = await record(outbox, VISITS[0], 30);
			const correction = await record(outbox, VISITS[0], 20);
			const server = new FakeServer();
			server.made.push(first.key, correction.key);

			await outbox.flush(server.sender([link]));
			expect(outbox.items().map((i) => [i.state, i.attempts, i.lastError])).toEqual([
				['waiting', 1, lastError],
				['waiting', 0, undefined]
			]);
			expect(server.calls).not.toContain(correction.key);
			expect(outbox.pending()).toBe(2);

			await outbox.flush(server.sender());
			expect(outbox.items().map((i) => i.state)).toEqual(['sent', 'sent']);
			expect(server.applied).toEqual([first.key, correction.key]);
			expect(server.minutesByVisit.get(VISITS[0])).toBe(50);
			expect(outbox.items()[0].result).toMatchObject({ replayed: link === 'ack-lost' });
		}
	);

	it('stops on a session that expired (unauthorized) and goes on after a new login', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		await record(outbox, VISITS[0], 30);
		let calls = 0;
		await outbox.flush(async () => {
			calls++;
			return { ok: false, error: 'unauthorized' };
		});
		expect(calls).toBe(1);
		expect(outbox.items()[0]).toMatchObject({ state: 'waiting', lastError: 'unauthorized' });
	});

	it('keeps a refused report as failed and lets the later ones through', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		const bad = await record(outbox, VISITS[0], 30);
		const good = await record(outbox, VISITS[1], 20);
		const server = new FakeServer();
		server.made.push(bad.key, good.key);

		await outbox.flush(server.sender(['invalid-input']));
		expect(outbox.items().map((i) => [i.key, i.state, i.lastError])).toEqual([
			[bad.key, 'failed', 'invalid-input'],
			[good.key, 'sent', undefined]
		]);
		expect(outbox.pending()).toBe(1);

		// A failed report is not sent again by itself.
		await outbox.flush(server.sender());
		expect(outbox.items()[0].state).toBe('failed');
	});

	it('treats an unknown refusal as permanent', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		await record(outbox, VISITS[0], 30);
		await outbox.flush(async () => ({ ok: false, error: 'quota-exceeded' }));
		expect(outbox.items()[0]).toMatchObject({ state: 'failed', lastError: 'quota-exceeded' });
	});

	it('sends a failed report again after retry, and drops it only on discard', async () => {
		const storage = new MemoryOutboxStorage();
		const outbox = new Outbox(storage);
		const a = await record(outbox, VISITS[0], 30);
		const b = await record(outbox, VISITS[1], 20);
		const server = new FakeServer();
		server.made.push(a.key, b.key);
		await outbox.flush(server.sender(['invalid-input', 'invalid-input']));
		expect(outbox.items().map((i) => i.state)).toEqual(['failed', 'failed']);

		await outbox.retry(a.key);
		expect(outbox.items()[0]).toMatchObject({ state: 'waiting', attempts: 1 });
		await outbox.flush(server.sender());
		expect(outbox.items()[0]).toMatchObject({ state: 'sent', attempts: 2 });

		await outbox.retry(a.key); // a sent report stays sent
		expect(outbox.items()[0].state).toBe('sent');

		await outbox.discard(b.key);
		expect(outbox.items().map((i) => i.key)).toEqual([a.key]);
		expect(outbox.pending()).toBe(0);
		const reloaded = new Outbox(storage);
		await reloaded.ready;
		expect(reloaded.items().map((i) => i.key)).toEqual([a.key]);
	});

	it('never sends twice nor two at once when flush is called while it runs', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		const server = new FakeServer();
		for (let i = 0; i < 5; i++) server.made.push((await record(outbox, VISITS[i % 3], 10)).key);

		const send = server.sender();
		const runs = [outbox.flush(send), outbox.flush(send)];
		await roundTrip();
		runs.push(outbox.flush(send));
		const late = await record(outbox, VISITS[0], 5);
		server.made.push(late.key);
		runs.push(outbox.flush(send));
		await Promise.all(runs);

		expect(server.maxInFlight).toBe(1);
		expect(server.calls).toEqual(server.made);
		expect(outbox.items().every((i) => i.state === 'sent' && i.attempts === 1)).toBe(true);
	});

	it('tries once more with the new sender when asked to flush while a send is failing', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		const item = await record(outbox, VISITS[0], 30);
		const server = new FakeServer();
		server.made.push(item.key);

		let failNow: (reason: Error) => void = () => undefined;
		const first = outbox.flush(
			() => new Promise((_resolve, reject) => (failNow = reject)) // a dead socket
		);
		await until(() => outbox.items()[0].state === 'sending');
		const second = outbox.flush(server.sender()); // the connection is back
		failNow(new Error('operation has timed out'));
		await Promise.all([first, second]);

		expect(outbox.items()[0]).toMatchObject({ state: 'sent', attempts: 2, lastError: 'timeout' });
		expect(server.applied).toEqual([item.key]);
	});
});

describe('outbox: reloads, pruning and logout', () => {
	it('resends a report that was being sent when the page was closed', async () => {
		const storage = new MemoryOutboxStorage();
		const outbox = new Outbox(storage);
		const item = await record(outbox, VISITS[0], 30);
		const server = new FakeServer();
		server.made.push(item.key);
		// The server applies it, then the page dies before the acknowledgement.
		void outbox.flush((sending) => {
			server.apply(sending);
			return new Promise(() => undefined);
		});
		await until(() => outbox.items()[0].state === 'sending');
		expect(outbox.pending()).toBe(1);

		const reloaded = new Outbox(storage);
		await reloaded.ready;
		expect(reloaded.items()[0]).toMatchObject({ state: 'waiting', attempts: 1 });
		await reloaded.flush(server.sender());
		expect(reloaded.items()[0]).toMatchObject({ state: 'sent', attempts: 2 });
		expect(reloaded.items()[0].result).toMatchObject({ replayed: true });
		expect(server.applied).toEqual([item.key]);
	});

	it('forgets sent reports after a week, never unsent ones', async () => {
		const day = 24 * 60 * 60 * 1000;
		const time = clock();
		const storage = new MemoryOutboxStorage();
		const outbox = new Outbox(storage, { now: time.now });
		const old = await record(outbox, VISITS[0], 30);
		const failed = await record(outbox, VISITS[1], 30);
		const waiting = await record(outbox, VISITS[2], 30);
		const server = new FakeServer();
		server.made.push(old.key, failed.key, waiting.key);
		await outbox.flush(server.sender(['up', 'invalid-input', 'down']));
		time.advance(6 * day);
		const recent = await record(outbox, VISITS[0], 10);
		server.made.push(recent.key);
		await outbox.flush(server.sender(['down']));
		await outbox.flush(server.sender([], 'up'));
		expect(outbox.items().map((i) => i.state)).toEqual(['sent', 'failed', 'sent', 'sent']);

		time.advance(1.5 * day);
		const keepsLonger = new Outbox(storage, { now: time.now, keepSentMs: 30 * day });
		await keepsLonger.ready;
		expect(keepsLonger.items()).toHaveLength(4);

		const reloaded = new Outbox(storage, { now: time.now });
		await reloaded.ready;
		expect(reloaded.items().map((i) => i.key)).toEqual([failed.key, waiting.key, recent.key]);
		expect(await storage.load()).toHaveLength(3);
	});

	it('counts as pending what the server does not hold: waiting, sending and failed', async () => {
		const outbox = new Outbox(new MemoryOutboxStorage());
		const server = new FakeServer();
		for (let i = 0; i < 4; i++) server.made.push((await record(outbox, VISITS[0], 5)).key);
		expect(outbox.pending()).toBe(4);
		let seen = -1;
		const send = server.sender(['up', 'down']);
		await outbox.flush(async (item) => {
			seen = Math.max(seen, outbox.pending());
			return send(item);
		});
		expect(seen).toBe(4);
		expect(outbox.items().map((i) => i.state)).toEqual(['sent', 'waiting', 'waiting', 'waiting']);
		expect(outbox.pending()).toBe(3);
		await outbox.flush(server.sender(['invalid-input']));
		expect(outbox.items().map((i) => i.state)).toEqual(['sent', 'failed', 'sent', 'sent']);
		expect(outbox.pending()).toBe(1);
	});

	it('clears everything on logout, and a send in flight then changes nothing', async () => {
		const storage = new MemoryOutboxStorage();
		const outbox = new Outbox(storage);
		await record(outbox, VISITS[0], 30);
		await record(outbox, VISITS[1], 30);
		let answer: (ack: OutboxAck) => void = () => undefined;
		const flushed = outbox.flush(() => new Promise((resolve) => (answer = resolve)));
		await until(() => outbox.items()[0].state === 'sending');

		await outbox.clear();
		expect(outbox.items()).toEqual([]);
		const next = await record(outbox, VISITS[2], 15);
		answer({ ok: true });
		await flushed;

		expect(outbox.items()).toEqual([next]);
		expect(await storage.load()).toEqual([next]);
	});
});

/** One step of a worker's day, as the property test below draws them. */
type Step =
	| { kind: 'enqueue'; visit: number; minutes: number }
	| { kind: 'flush'; links: Link[]; rest: Link; twice: boolean }
	| { kind: 'reload' }
	| { kind: 'crash'; links: Link[]; applied: boolean }
	| { kind: 'clock'; ms: number };

const transientLink = fc.constantFrom<Link>(
	'down',
	'ack-lost',
	'timeout',
	'internal',
	'rate-limited'
);
const link = fc.oneof({ weight: 3, arbitrary: fc.constant<Link>('up') }, transientLink);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('enqueue' as const),
			visit: fc.nat({ max: VISITS.length - 1 }),
			minutes: fc.nat({ max: 96 }).map((n) => n * 5)
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('flush' as const),
			links: fc.array(link, { maxLength: 4 }),
			rest: link,
			twice: fc.boolean()
		})
	},
	{ weight: 1, arbitrary: fc.constant({ kind: 'reload' as const }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('crash' as const),
			links: fc.array(link, { maxLength: 3 }),
			applied: fc.boolean()
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('clock' as const),
			ms: fc.integer({ min: -120_000, max: 600_000 })
		})
	}
);

describe('outbox: exactly once, in order, whatever the connection does', () => {
	it('applies every report once and in the order made, through drops, lost acks and reloads', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(stepArb, { maxLength: 30 }), async (steps) => {
				const time = clock();
				const storage = new MemoryOutboxStorage();
				const server = new FakeServer();
				const made = new Map<string, number>(); // minutes by visit
				let outbox = new Outbox(storage, { now: time.now });

				for (const step of steps) {
					switch (step.kind) {
						case 'enqueue': {
							const visitId = VISITS[step.visit];
							const item = await record(outbox, visitId, step.minutes);
							server.made.push(item.key);
							made.set(visitId, (made.get(visitId) ?? 0) + step.minutes);
							break;
						}
						case 'flush': {
							const send = server.sender(step.links, step.rest);
							await Promise.all(
								step.twice ? [outbox.flush(send), outbox.flush(send)] : [outbox.flush(send)]
							);
							break;
						}
						case 'reload':
							outbox = new Outbox(storage, { now: time.now });
							break;
						case 'crash': {
							// The page dies during a send, after (or before) the server applied it.
							const healthy = server.sender(step.links);
							let calls = 0;
							let died: () => void = () => undefined;
							const dead = new Promise<void>((resolve) => (died = resolve));
							const flushed = outbox.flush((item) => {
								if (calls++ < step.links.length) return healthy(item);
								if (step.applied) server.apply(item);
								died();
								return new Promise(() => undefined);
							});
							await Promise.race([flushed, dead]);
							outbox = new Outbox(storage, { now: time.now });
							break;
						}
						case 'clock':
							time.advance(step.ms);
							break;
					}
				}

				outbox = new Outbox(storage, { now: time.now });
				await outbox.flush(server.sender());

				expect(server.problems).toEqual([]);
				expect(server.maxInFlight).toBeLessThanOrEqual(1);
				expect(server.applied).toEqual(server.made);
				expect(server.minutesByVisit).toEqual(made);
				expect(outbox.items().map((i) => i.key)).toEqual(server.made);
				expect(outbox.items().every((i) => i.state === 'sent')).toBe(true);
				expect(outbox.pending()).toBe(0);
			}),
			{ numRuns: 300 }
		);
	});
});
