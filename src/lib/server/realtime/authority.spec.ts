/**
 * The authority with in-process docs and a hand-flushed network: every rule refused with a
 * verdict and undone on every replica, valid changes kept, concurrent edits converging.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	absencesMap,
	addService,
	assign,
	createVisit,
	markAbsent,
	moveVisit,
	readAbsences,
	readVisit,
	setDayPart,
	setMinutes,
	setStatus,
	visitsMap,
	visitsOf
} from '$lib/board';
import {
	FRIDAY,
	MEM,
	MONDAY,
	THURSDAY,
	TUESDAY,
	WEDNESDAY,
	WEEK,
	memoryContext
} from '../../../../tests/fixtures/realtime';
import { BoardAuthority, type Verdict } from './authority';
import { estimateOf, inPeriod, type TeamContext } from './context';
import { createJudge } from './judge';
import { checkIncomingUpdate } from './update-check';

const NET = 'net';

/** A server doc with its authority and client docs whose updates are delivered on `flush`. */
class Network {
	readonly server = new Y.Doc();
	readonly authority = new BoardAuthority(this.server);
	readonly docs = new Map<string, Y.Doc>();
	readonly outbox: { from: string; update: Uint8Array }[] = [];
	readonly verdicts: (Verdict & { author: string })[] = [];

	constructor(public ctx: TeamContext = memoryContext()) {}

	client(name: string): Y.Doc {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.server), NET);
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== NET) this.outbox.push({ from: name, update });
		});
		this.docs.set(name, doc);
		return doc;
	}

	judge() {
		return createJudge(this.ctx, WEEK, (clientId, period, excludeId) => {
			let sum = 0;
			for (const v of this.authority.accepted.values()) {
				if (v.clientId === clientId && v.id !== excludeId && inPeriod(v.date, period)) {
					sum += estimateOf(this.ctx, v);
				}
			}
			return sum;
		});
	}

	/** Delivers queued updates in order, as the server would receive them. */
	flush(): void {
		while (this.outbox.length > 0) {
			const { from, update } = this.outbox.shift()!;
			expect(checkIncomingUpdate(this.server, update)).toEqual({ ok: true });
			const applied = this.authority.apply(update, from);
			const settled = this.authority.settle(applied, this.judge(), {
				absences: this.ctx.absences
			});
			this.verdicts.push(...settled.verdicts.map((v) => ({ ...v, author: from })));
			const toPeers =
				applied.update && settled.compensation
					? Y.mergeUpdates([applied.update, settled.compensation])
					: (applied.update ?? settled.compensation);
			for (const [name, doc] of this.docs) {
				if (name !== from && toPeers) Y.applyUpdate(doc, toPeers, NET);
				if (name === from && settled.compensation) {
					Y.applyUpdate(doc, settled.compensation, NET);
				}
			}
		}
	}

	/** Every replica equals the server. */
	expectConverged(): void {
		const server = visitsOf(this.server);
		for (const doc of this.docs.values()) expect(visitsOf(doc)).toEqual(server);
	}

	/** Every visit on the server passes the rules. */
	expectValid(): void {
		const judge = this.judge();
		for (const visit of visitsOf(this.server)) expect(judge.check(visit, visit)).toEqual([]);
	}
}

const gretaMorning = (overrides: Partial<Parameters<typeof createVisit>[1]> = {}) => ({
	clientId: MEM.greta,
	date: MONDAY,
	dayPart: 'morning' as const,
	services: ['insulin', 'meals'],
	minutes: 30,
	assignees: [MEM.anna],
	...overrides
});

describe('the authority', () => {
	it('keeps a valid change and relays it to the other devices', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const phone = net.client('phone');
		const id = createVisit(tablet, gretaMorning());
		net.flush();
		setMinutes(phone, id, 45);
		net.flush();
		expect(net.verdicts).toEqual([]);
		expect(readVisit(net.server, id)?.minutes).toBe(45);
		net.expectConverged();
	});

	it('[DL3] refuses a change beyond the frame and restores the minutes everywhere', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const phone = net.client('phone');
		const monday = createVisit(tablet, gretaMorning({ minutes: 90 }));
		createVisit(tablet, gretaMorning({ date: TUESDAY, minutes: 60 }));
		net.flush();
		setMinutes(phone, monday, 150);
		net.flush();
		expect(net.verdicts).toHaveLength(1);
		expect(net.verdicts[0]).toMatchObject({
			author: 'phone',
			visitId: monday,
			undone: ['minutes'],
			violation: {
				rule: 'frame-limit',
				frameMinutes: 180,
				usedMinutes: 0,
				plannedMinutes: 60,
				addedMinutes: 60,
				leftMinutes: 120
			}
		});
		expect(readVisit(phone, monday)?.minutes).toBe(90);
		net.expectConverged();
		net.expectValid();
	});

	it('[DL3] lets one change move time from one visit to another within the frame', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const a = createVisit(tablet, gretaMorning({ minutes: 120 }));
		const b = createVisit(tablet, gretaMorning({ date: TUESDAY, minutes: 60 }));
		net.flush();
		tablet.transact(() => {
			setMinutes(tablet, b, 120);
			setMinutes(tablet, a, 60);
		});
		net.flush();
		expect(net.verdicts).toEqual([]);
		expect([readVisit(net.server, a)?.minutes, readVisit(net.server, b)?.minutes]).toEqual([
			60, 120
		]);
	});

	it('[F4] keeps counting a visit marked done on the board until its time is recorded', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const done = createVisit(tablet, gretaMorning({ minutes: 120 }));
		net.flush();
		setStatus(tablet, done, 'done');
		net.flush();
		expect(net.verdicts).toEqual([]);
		// Its 2 h still count: another 90 min would take Greta's week beyond 3 h.
		const more = createVisit(tablet, gretaMorning({ date: TUESDAY, minutes: 90 }));
		net.flush();
		expect(net.verdicts).toMatchObject([
			{
				visitId: more,
				undone: ['status'],
				status: 'cancelled',
				violation: { rule: 'frame-limit', plannedMinutes: 120, leftMinutes: 60 }
			}
		]);
		// Once time is recorded for it, its estimate makes way for the recorded time.
		net.ctx = memoryContext({
			reportedVisits: new Set([done]),
			timeEntries: [
				...memoryContext().timeEntries,
				{ id: 'report', clientId: MEM.greta, date: MONDAY, minutes: 30, correctsId: null }
			]
		});
		setStatus(tablet, more, 'planned');
		net.flush();
		expect(net.verdicts).toHaveLength(1);
		expect(readVisit(net.server, more)?.status).toBe('planned');
		net.expectConverged();
		net.expectValid();
	});

	it('says which status a visit was put back to', () => {
		const net = new Network(memoryContext({ reportedVisits: new Set() }));
		const tablet = net.client('tablet');
		const phone = net.client('phone');
		const a = createVisit(tablet, gretaMorning({ minutes: 120 }));
		net.flush();
		net.ctx = memoryContext({ reportedVisits: new Set([a]) });
		setStatus(tablet, a, 'done');
		createVisit(tablet, gretaMorning({ date: TUESDAY, minutes: 120 }));
		net.flush();
		expect(net.verdicts).toEqual([]);
		// Taking the reported visit back to planned would need 2 h more than Greta's week holds.
		setStatus(phone, a, 'planned');
		net.flush();
		expect(net.verdicts).toMatchObject([
			{ author: 'phone', visitId: a, undone: ['status'], status: 'done' }
		]);
		expect(readVisit(phone, a)?.status).toBe('done');
	});

	it('names an assignee from another team instead of showing a question mark', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const id = createVisit(tablet, gretaMorning({ assignees: [MEM.erik] }));
		net.flush();
		expect(net.verdicts[0]).toMatchObject({
			undone: ['assignees'],
			violation: {
				rule: 'malformed',
				reason: 'unknown-assignee',
				offDuty: [{ staffId: MEM.erik, name: 'Erik Sjö', absent: false }]
			}
		});
		expect(readVisit(tablet, id)?.assignees).toEqual([]);
	});

	it('[C1] refuses an assignee without the delegation and names who could take the visit', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const phone = net.client('phone');
		const id = createVisit(tablet, gretaMorning({ date: TUESDAY }));
		net.flush();
		assign(phone, id, MEM.bertil);
		net.flush();
		expect(net.verdicts[0]).toMatchObject({
			visitId: id,
			undone: ['assignees'],
			violation: {
				rule: 'competence',
				missing: [{ staffId: MEM.bertil, competences: ['insulin-delegation'] }],
				qualified: [
					{ staffId: MEM.cecilia, name: 'Cecilia Holm' },
					{ staffId: MEM.david, name: 'David Berg' }
				]
			}
		});
		expect(readVisit(tablet, id)?.assignees).toEqual([MEM.anna]);
		net.expectConverged();
	});

	it('[DL1] refuses moving a visit past the end of the decision', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const id = createVisit(tablet, {
			clientId: MEM.harald,
			date: WEDNESDAY,
			dayPart: 'afternoon',
			services: ['cleaning'],
			minutes: 60
		});
		net.flush();
		moveVisit(tablet, id, { date: THURSDAY });
		net.flush();
		expect(net.verdicts[0]).toMatchObject({
			undone: ['date'],
			violation: { rule: 'decision-validity', date: THURSDAY, nearest: { validTo: WEDNESDAY } }
		});
		expect(readVisit(tablet, id)?.date).toBe(WEDNESDAY);
	});

	it('[DL2] refuses a service the decision does not grant', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const id = createVisit(tablet, {
			clientId: MEM.ingrid,
			date: MONDAY,
			dayPart: 'midday',
			services: ['meals'],
			minutes: 30
		});
		net.flush();
		addService(tablet, id, 'shower');
		net.flush();
		expect(net.verdicts[0]).toMatchObject({
			undone: ['services'],
			violation: { rule: 'decision-scope', notGranted: ['shower'] }
		});
		expect(readVisit(tablet, id)?.services).toEqual(['meals']);
	});

	it('cancels a new visit that breaks a rule, and removes a malformed one', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const overFrame = createVisit(tablet, gretaMorning({ minutes: 240 }));
		const badMinutes = createVisit(tablet, gretaMorning({ minutes: 7 }));
		const otherWeek = createVisit(tablet, gretaMorning({ date: '2026-12-01' }));
		net.flush();
		expect(readVisit(tablet, overFrame)?.status).toBe('cancelled');
		expect(readVisit(tablet, badMinutes)).toBeUndefined();
		expect(readVisit(tablet, otherWeek)).toBeUndefined();
		expect(net.verdicts.map((v) => [v.violation.rule, v.undone])).toEqual(
			expect.arrayContaining([
				['frame-limit', ['status']],
				['malformed', ['visit']],
				['malformed', ['visit']]
			])
		);
		net.expectConverged();
		net.expectValid();
	});

	it('restores a visit whose layout a client broke', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const id = createVisit(tablet, gretaMorning());
		net.flush();
		const before = readVisit(tablet, id);
		tablet.transact(() => (visitsMap(tablet).get(id) as Y.Map<unknown>).set('minutes', 'many'));
		visitsMap(tablet).set(crypto.randomUUID(), 'not a visit');
		net.flush();
		expect(readVisit(tablet, id)).toEqual(before);
		expect(visitsMap(tablet).size).toBe(1);
		net.expectConverged();
	});

	it('takes an absent person off a new visit and says they are away', () => {
		const net = new Network(memoryContext({ absences: { [MEM.anna]: { [TUESDAY]: 'day' } } }));
		const tablet = net.client('tablet');
		const id = createVisit(
			tablet,
			gretaMorning({ date: TUESDAY, assignees: [MEM.anna, MEM.david] })
		);
		net.flush();
		expect(readVisit(tablet, id)?.assignees).toEqual([MEM.david]);
		expect(net.verdicts[0]).toMatchObject({
			undone: ['assignees'],
			violation: {
				rule: 'malformed',
				reason: 'unknown-assignee',
				offDuty: [{ staffId: MEM.anna, absent: true }]
			}
		});
	});

	it('puts back absences edited on the board instead of with the command', () => {
		const net = new Network(memoryContext({ absences: { [MEM.bertil]: { [MONDAY]: 'day' } } }));
		const tablet = net.client('tablet');
		markAbsent(tablet, MEM.anna, FRIDAY, 'day');
		(absencesMap(tablet).get(MEM.bertil) as Y.Map<unknown> | undefined)?.delete(MONDAY);
		net.flush();
		expect(readAbsences(tablet)).toEqual({ [MEM.bertil]: { [MONDAY]: 'day' } });
		expect(readAbsences(net.server)).toEqual(readAbsences(tablet));
	});

	it('lets a change stand that makes nothing worse after a delegation ended', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const id = createVisit(tablet, gretaMorning({ date: FRIDAY, assignees: [MEM.anna] }));
		net.flush();
		// Anna's delegation is withdrawn after the visit was planned with her.
		net.ctx = memoryContext();
		net.ctx.staff.get(MEM.anna)!.competences = [
			{ code: 'care-training', validFrom: '2020-01-01', validTo: null }
		];
		setDayPart(tablet, id, 'midday');
		net.flush();
		expect(net.verdicts).toEqual([]);
		expect(readVisit(net.server, id)?.dayPart).toBe('midday');
		// Adding somebody else without the delegation still makes it worse.
		assign(tablet, id, MEM.bertil);
		net.flush();
		expect(net.verdicts[0].violation.rule).toBe('competence');
		expect(readVisit(tablet, id)?.assignees).toEqual([MEM.anna]);
	});

	it('ends two devices that conflict concurrently in the same valid board', () => {
		const net = new Network();
		const tablet = net.client('tablet');
		const phone = net.client('phone');
		const a = createVisit(tablet, gretaMorning({ minutes: 60 }));
		net.flush();
		// Offline at the same time: each alone fits the 3 h frame, together they do not.
		setMinutes(tablet, a, 120);
		createVisit(phone, gretaMorning({ date: WEDNESDAY, minutes: 90 }));
		setStatus(phone, a, 'planned');
		net.flush();
		net.expectConverged();
		net.expectValid();
		expect(net.verdicts).toHaveLength(1);
	});

	it('refuses an update that builds on history the server does not have', () => {
		const net = new Network();
		const offline = new Y.Doc();
		const first = Y.encodeStateAsUpdate(offline);
		createVisit(offline, gretaMorning());
		const base = Y.encodeStateVector(offline);
		setMinutes(offline, visitsOf(offline)[0].id, 45);
		const onlyTheEdit = Y.encodeStateAsUpdate(offline, base);
		expect(checkIncomingUpdate(net.server, first)).toEqual({ ok: true });
		expect(checkIncomingUpdate(net.server, onlyTheEdit)).toEqual({
			ok: false,
			reason: 'missing-history'
		});
		expect(checkIncomingUpdate(net.server, new Uint8Array([1, 200, 3, 4]))).toEqual({
			ok: false,
			reason: 'malformed'
		});
	});
});
