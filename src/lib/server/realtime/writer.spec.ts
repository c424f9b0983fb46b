/**
 * The group commit's two steps: a change's updates are durable (and may be relayed) before its
 * projection rows are committed, every visit's row ends as its last change left it, and one
 * board's failure does not hold the others.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBoardStore, type BoardWrite, type PlannedVisitRow } from './board-store';
import { BoardWriter } from './writer';

const ROOMS = ['board:t1:2026-W48', 'board:t1:2026-W49'];
const VISITS = ['v1', 'v2', 'v3'];

function row(id: string, room: string, minutes: number): PlannedVisitRow {
	return {
		id,
		organisationId: 'o',
		teamId: 't1',
		clientId: 'c',
		room,
		date: '2026-11-23',
		dayPart: 'morning',
		minutes,
		status: 'planned',
		services: ['meals'],
		assignees: []
	};
}

function write(room: string, parts: Partial<BoardWrite> = {}): BoardWrite {
	return { room, updates: [], upserts: [], removals: [], audit: [], ...parts };
}

/** A store whose projection commits can be held back and released by hand. */
class GatedStore extends MemoryBoardStore {
	appends: BoardWrite[][] = [];
	private gates: (() => void)[] = [];
	hold = false;
	failRoom: string | null = null;

	async append(writes: BoardWrite[]): Promise<number[]> {
		this.appends.push(writes);
		const projection = writes.some((w) => w.upserts.length > 0 || w.removals.length > 0);
		if (this.hold && projection) await new Promise<void>((resolve) => this.gates.push(resolve));
		if (this.failRoom && writes.some((w) => w.room === this.failRoom)) {
			throw new Error('refused');
		}
		return super.append(writes);
	}

	release(): void {
		this.hold = false;
		for (const open of this.gates.splice(0)) open();
	}
}

/** A store whose commits take as long as the next of `delays` says (ms), so they can overtake. */
class SlowStore extends MemoryBoardStore {
	/** Board commits in flight per board; the most seen for one board and for all. */
	private readonly inFlight = new Map<string, number>();
	mostInFlightPerBoard = 0;
	mostInFlight = 0;

	constructor(private readonly delays: number[]) {
		super();
	}

	async append(writes: BoardWrite[]): Promise<number[]> {
		const rooms = [...new Set(writes.map((w) => w.room))];
		const durable = writes.some((w) => w.updates.length > 0);
		if (durable) {
			for (const room of rooms) {
				const n = (this.inFlight.get(room) ?? 0) + 1;
				this.inFlight.set(room, n);
				this.mostInFlightPerBoard = Math.max(this.mostInFlightPerBoard, n);
			}
			const all = [...this.inFlight.values()].reduce((a, b) => a + b, 0);
			this.mostInFlight = Math.max(this.mostInFlight, all);
		}
		await new Promise((resolve) => setTimeout(resolve, this.delays.shift() ?? 0));
		try {
			return await super.append(writes);
		} finally {
			if (durable) {
				for (const room of rooms) this.inFlight.set(room, this.inFlight.get(room)! - 1);
			}
		}
	}
}

describe('the board writer', () => {
	it('makes a change durable before its projection row and says when each is done', async () => {
		const store = new GatedStore();
		const writer = new BoardWriter(store);
		const update = new Uint8Array([1, 2, 3]);
		const written = writer.write(
			write(ROOMS[0], { updates: [update], upserts: [row('v1', ROOMS[0], 30)] })
		);
		let projected = false;
		void written.projected.then(() => (projected = true));
		// The projection commit is held back: the change is durable and can be relayed already.
		store.hold = true;
		const id = await written.committed;
		expect(id).toBeGreaterThan(0);
		expect(store.logLength(ROOMS[0])).toBe(1);
		expect(store.appends[0][0].upserts).toEqual([]);
		await new Promise((resolve) => setImmediate(resolve));
		expect(projected).toBe(false);
		expect(store.projection.has('v1')).toBe(false);
		store.release();
		await written.projected;
		expect(store.projection.get('v1')?.minutes).toBe(30);
	});

	it('writes a visit changed while a projection commit is in flight once, as last changed', async () => {
		const store = new GatedStore();
		const writer = new BoardWriter(store);
		const first = writer.write(write(ROOMS[0], { upserts: [row('v1', ROOMS[0], 30)] }));
		await first.committed;
		store.hold = true;
		await new Promise((resolve) => setImmediate(resolve));
		const later = [45, 60, 75].map((minutes) =>
			writer.write(write(ROOMS[0], { upserts: [row('v1', ROOMS[0], minutes)] }))
		);
		await Promise.all(later.map((w) => w.committed));
		store.release();
		await Promise.all([first, ...later].map((w) => w.projected));
		expect(store.projection.get('v1')?.minutes).toBe(75);
		const projectionCommits = store.appends.filter((a) => a.some((w) => w.upserts.length > 0));
		expect(projectionCommits.length).toBe(2);
		expect(projectionCommits[1].flatMap((w) => w.upserts.map((r) => r.minutes))).toEqual([75]);
	});

	it('keeps the row of a visit that moved to another board when the old board removes it', async () => {
		const store = new GatedStore();
		const writer = new BoardWriter(store);
		await writer.write(write(ROOMS[0], { upserts: [row('v1', ROOMS[0], 30)] })).projected;
		store.hold = true;
		await new Promise((resolve) => setImmediate(resolve));
		const moved = writer.write(write(ROOMS[1], { upserts: [row('v1', ROOMS[1], 30)] }));
		const removed = writer.write(write(ROOMS[0], { removals: ['v1'] }));
		await Promise.all([moved.committed, removed.committed]);
		store.release();
		await Promise.all([moved.projected, removed.projected]);
		expect(store.projection.get('v1')?.room).toBe(ROOMS[1]);
	});

	it('fails the projection of the board whose rows are refused, and only that board', async () => {
		const store = new GatedStore();
		const writer = new BoardWriter(store);
		store.failRoom = ROOMS[1];
		const good = writer.write(write(ROOMS[0], { upserts: [row('v1', ROOMS[0], 30)] }));
		const bad = writer.write(write(ROOMS[1], { upserts: [row('v2', ROOMS[1], 30)] }));
		await expect(good.projected).resolves.toBeUndefined();
		await expect(bad.committed).rejects.toThrow('refused');
		await expect(bad.projected).rejects.toThrow('refused');
		expect(store.projection.get('v1')?.minutes).toBe(30);
		expect(store.projection.has('v2')).toBe(false);
	});

	it('fails a projection commit alone when only the rows are refused, the updates stay', async () => {
		const store = new GatedStore();
		const writer = new BoardWriter(store);
		const update = new Uint8Array([7]);
		const w = writer.write(
			write(ROOMS[1], { updates: [update], upserts: [row('v2', ROOMS[1], 30)] })
		);
		store.hold = true;
		await w.committed;
		store.failRoom = ROOMS[1];
		store.release();
		await expect(w.projected).rejects.toThrow('refused');
		expect(store.logLength(ROOMS[1])).toBe(1);
	});

	it('flushes updates and projection rows alike', async () => {
		const store = new GatedStore();
		const writer = new BoardWriter(store);
		for (const minutes of [10, 20, 30]) {
			void writer.write(
				write(ROOMS[0], {
					updates: [new Uint8Array([minutes])],
					upserts: [row('v1', ROOMS[0], minutes)]
				})
			);
		}
		await writer.flush();
		expect(store.logLength(ROOMS[0])).toBe(3);
		expect(store.projection.get('v1')?.minutes).toBe(30);
	});

	it('commits another board’s change while one is in flight, a board’s changes in turn', async () => {
		const store = new SlowStore(Array(40).fill(3));
		const writer = new BoardWriter(store, { lanes: 2 });
		const written = Array.from({ length: 20 }, (_, i) =>
			writer.write(
				write(ROOMS[i % 2], {
					updates: [new Uint8Array([i])],
					upserts: [row(`v${i % 2}`, ROOMS[i % 2], i)]
				})
			)
		);
		await Promise.all(written.map((w) => w.projected));
		expect(store.mostInFlight).toBe(2);
		expect(store.mostInFlightPerBoard).toBe(1);
		expect(store.logLength(ROOMS[0]) + store.logLength(ROOMS[1])).toBe(20);
		expect(store.projection.get('v0')?.minutes).toBe(18);
		expect(store.projection.get('v1')?.minutes).toBe(19);
	});

	it('leaves the projection as applying every change in turn would, however commits group or overtake', async () => {
		const change = fc.record({
			room: fc.constantFrom(...ROOMS),
			visit: fc.constantFrom(...VISITS),
			remove: fc.boolean(),
			minutes: fc.integer({ min: 5, max: 120 }),
			pause: fc.boolean()
		});
		await fc.assert(
			fc.asyncProperty(
				fc.array(change, { maxLength: 40 }),
				fc.integer({ min: 1, max: 3 }),
				fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 80 }),
				async (changes, lanes, delays) => {
					const store = new SlowStore(delays);
					const oneByOne = new MemoryBoardStore();
					const writer = new BoardWriter(store, { lanes });
					const pending: Promise<unknown>[] = [];
					for (const [i, c] of changes.entries()) {
						const w = write(c.room, {
							updates: [new Uint8Array([i])],
							...(c.remove
								? { removals: [c.visit] }
								: { upserts: [row(c.visit, c.room, c.minutes)] })
						});
						await oneByOne.append([w]);
						const written = writer.write(w);
						pending.push(written.committed, written.projected);
						// Some changes arrive while commits are in flight, some after.
						if (c.pause) await new Promise((resolve) => setImmediate(resolve));
					}
					await Promise.all(pending);
					expect(store.mostInFlightPerBoard).toBeLessThanOrEqual(1);
					expect(Object.fromEntries(store.projection)).toEqual(
						Object.fromEntries(oneByOne.projection)
					);
				}
			),
			{ numRuns: 150 }
		);
	});
});
