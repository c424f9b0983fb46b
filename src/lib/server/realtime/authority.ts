/**
 * The authority over one board doc (DESIGN.md §3, §4): it applies a client's update, finds
 * the visits the update touched, judges each with the rules, and undoes what breaks them
 * with a compensating change of its own — so every replica that receives both ends in a
 * valid state. It never drops an update: Yjs would send it again on every reconnect.
 *
 * Synchronous and free of I/O: the room gathers the context first and persists and relays
 * what `settle` returns.
 */
import * as Y from 'yjs';
import type { Violation, VisitStatus } from '$lib/domain/types';
import {
	absencesMap,
	parseVisit,
	replaceAbsences,
	visitsMap,
	writeVisitState,
	type AbsenceValue,
	type BoardVisit
} from '$lib/board';

/** Origin of the authority's own transactions: compensations and server commands. */
export const AUTHORITY = Symbol('ramtavlan.authority');

/** A malformed visit's violation may name the assignees who cannot be on it that day. */
export type AuthorityViolation =
	| Violation
	| {
			rule: 'malformed';
			reason: string;
			offDuty?: { staffId: string; name: string | null; absent: boolean }[];
			date?: string;
	  };

export interface Judge {
	/** Every rule `visit` breaks; `previous` is its last accepted state (for "this change adds"). */
	check(visit: BoardVisit, previous: BoardVisit | undefined): Violation[];
	/** Assignees of `visit` who are not on duty on its date and day part, with a reason. */
	offDuty(visit: BoardVisit): { staffId: string; name: string | null; absent: boolean }[];
	/** Minutes the visit holds in its frame period (planned, or done and not reported: F4). */
	estimate(visit: BoardVisit): number;
}

export interface Applied {
	/** The update as the doc integrated it (null when it held nothing new). */
	update: Uint8Array | null;
	/** Visits whose map, or anything inside it, changed. */
	touched: Set<string>;
	/** Touched visits the board never accepted before. */
	newIds: string[];
	absencesTouched: boolean;
}

export interface Verdict {
	visitId: string;
	violation: AuthorityViolation;
	/** Visit fields put back, `'status'` for a new visit cancelled, `'visit'` for one removed. */
	undone: string[];
	/** The visit as it was judged (for the message: date, client). */
	visit: BoardVisit | undefined;
	/**
	 * The visit's status once the verdict is carried out — a new visit cancelled, or a visit put
	 * back to its last accepted status — so the message can say which; undefined when removed.
	 */
	status: VisitStatus | undefined;
}

export interface Settled {
	/** The authority's compensating update (null when everything was accepted). */
	compensation: Uint8Array | null;
	verdicts: Verdict[];
	/** Accepted state of every touched visit, null when it left the board. */
	changed: Map<string, BoardVisit | null>;
}

const RULE_FIELDS = ['clientId', 'date', 'dayPart', 'services', 'minutes', 'assignees', 'status'];

/**
 * True when the violations of a change are all already present in the visit's last accepted
 * state (judged in today's context): a decision or delegation that ended after the visit was
 * planned must not freeze it. Such a change makes nothing worse, so it stands.
 */
function noWorseThan(now: Violation[], before: Violation[]): boolean {
	return now.every((v) => {
		switch (v.rule) {
			case 'decision-validity':
				return before.some((b) => b.rule === 'decision-validity');
			case 'decision-scope':
				return before.some(
					(b) =>
						b.rule === 'decision-scope' && v.notGranted.every((code) => b.notGranted.includes(code))
				);
			case 'competence':
				return before.some(
					(b) =>
						b.rule === 'competence' &&
						v.missing.every((miss) =>
							miss.competences.every((code) =>
								b.missing.some((bm) => bm.staffId === miss.staffId && bm.competences.includes(code))
							)
						)
				);
			default:
				// A frame violation always means the change adds minutes; malformed never stands.
				return false;
		}
	});
}

export class BoardAuthority {
	readonly doc: Y.Doc;
	/** The last accepted state of every visit on the board. */
	readonly accepted = new Map<string, BoardVisit>();

	constructor(doc: Y.Doc) {
		this.doc = doc;
		for (const [id, value] of visitsMap(doc).entries()) {
			const parsed = parseVisit(id, value);
			if (parsed.ok) this.accepted.set(id, parsed.visit);
		}
	}

	/** Applies a client's update (already checked by `checkIncomingUpdate`). */
	apply(update: Uint8Array, origin: unknown): Applied {
		const visits = visitsMap(this.doc) as unknown as Y.AbstractType<unknown>;
		const absences = absencesMap(this.doc) as unknown as Y.AbstractType<unknown>;
		const touched = new Set<string>();
		let absencesTouched = false;
		let integrated: Uint8Array | null = null;
		const onTransaction = (tr: Y.Transaction) => {
			if (tr.origin !== origin) return;
			for (const [changedType, keys] of tr.changed) {
				const type = changedType as Y.AbstractType<unknown>;
				if (type === visits) {
					for (const key of keys) if (key !== null) touched.add(key);
					continue;
				}
				let node: Y.AbstractType<unknown> = type;
				let item = node._item;
				while (item && item.parent !== visits && item.parent !== absences) {
					node = item.parent as Y.AbstractType<unknown>;
					item = node?._item ?? null;
				}
				if (type === absences || item?.parent === absences) absencesTouched = true;
				else if (item && item.parent === visits && item.parentSub) touched.add(item.parentSub);
			}
		};
		const onUpdate = (u: Uint8Array, o: unknown) => {
			if (o === origin) integrated = u;
		};
		this.doc.on('afterTransaction', onTransaction);
		this.doc.on('update', onUpdate);
		try {
			Y.applyUpdate(this.doc, update, origin);
		} finally {
			this.doc.off('afterTransaction', onTransaction);
			this.doc.off('update', onUpdate);
		}
		const newIds = [...touched].filter(
			(id) => !this.accepted.has(id) && visitsMap(this.doc).has(id)
		);
		return { update: integrated, touched, newIds, absencesTouched };
	}

	/**
	 * Judges every touched visit and compensates what breaks a rule, in one transaction of
	 * the authority. Visits whose change frees minutes are judged first, so moving time from
	 * one visit to another in a single change is not refused for counting the time twice.
	 */
	settle(
		applied: Applied,
		judge: Judge,
		opts: {
			/** New visit ids already used on another board. */
			foreign?: ReadonlySet<string>;
			/** The absences the board must show (from the database). */
			absences?: Record<string, Record<string, AbsenceValue>>;
		} = {}
	): Settled {
		const visits = visitsMap(this.doc);
		const changed = new Map<string, BoardVisit | null>();
		const verdicts: Verdict[] = [];
		const parsedOf = new Map(
			[...applied.touched].map((id) => [id, parseVisit(id, visits.get(id))])
		);
		const estimate = (visit: BoardVisit | undefined) => (visit ? judge.estimate(visit) : 0);
		const delta = (id: string) => {
			const parsed = parsedOf.get(id);
			return estimate(parsed?.ok ? parsed.visit : undefined) - estimate(this.accepted.get(id));
		};
		const order = [...applied.touched].sort((a, b) => delta(a) - delta(b) || (a < b ? -1 : 1));

		let compensation: Uint8Array | null = null;
		const onUpdate = (u: Uint8Array, origin: unknown) => {
			if (origin === AUTHORITY) compensation = u;
		};
		this.doc.on('update', onUpdate);
		try {
			this.doc.transact(() => {
				for (const id of order) {
					const verdict = this.judgeOne(id, visits.get(id), judge, opts.foreign, changed);
					if (verdict) verdicts.push(verdict);
				}
				if (applied.absencesTouched && opts.absences) replaceAbsences(this.doc, opts.absences);
			}, AUTHORITY);
		} finally {
			this.doc.off('update', onUpdate);
		}
		return { compensation, verdicts, changed };
	}

	private judgeOne(
		id: string,
		raw: unknown,
		judge: Judge,
		foreign: ReadonlySet<string> | undefined,
		changed: Map<string, BoardVisit | null>
	): Verdict | undefined {
		const visits = visitsMap(this.doc);
		const previous = this.accepted.get(id);
		const accept = (visit: BoardVisit) => {
			this.accepted.set(id, visit);
			changed.set(id, visit);
		};
		const remove = () => {
			if (visits.has(id)) visits.delete(id);
			if (this.accepted.delete(id) || previous) changed.set(id, null);
		};

		if (raw === undefined) {
			// Taking a visit off the board is the team's call.
			if (previous) {
				this.accepted.delete(id);
				changed.set(id, null);
			}
			return undefined;
		}

		const parsed = parseVisit(id, raw);
		if (!parsed.ok) {
			const violation: AuthorityViolation = { rule: 'malformed', reason: parsed.reason };
			if (previous) {
				const undone = writeVisitState(this.doc, previous);
				changed.set(id, previous);
				return { visitId: id, violation, undone, visit: previous, status: previous.status };
			}
			remove();
			return { visitId: id, violation, undone: ['visit'], visit: undefined, status: undefined };
		}
		const visit = parsed.visit;

		if (!previous && foreign?.has(id)) {
			remove();
			return {
				visitId: id,
				violation: { rule: 'malformed', reason: 'duplicate-visit' },
				undone: ['visit'],
				visit,
				status: undefined
			};
		}

		const violations = judge.check(visit, previous);
		if (violations.length === 0) {
			accept(visit);
			return undefined;
		}
		const violation = this.describe(violations[0], visit, judge);

		if (previous) {
			if (
				violations[0].rule !== 'malformed' &&
				noWorseThan(violations, judge.check(previous, previous))
			) {
				accept(visit);
				return undefined;
			}
			// Put back the rule-relevant fields; rank, window and note stay the team's.
			const restored: BoardVisit = {
				...previous,
				rank: visit.rank,
				note: visit.note,
				...(visit.window !== undefined ? { window: visit.window } : {})
			};
			if (visit.window === undefined) delete restored.window;
			const undone = writeVisitState(this.doc, restored).filter((k) => RULE_FIELDS.includes(k));
			accept(restored);
			return { visitId: id, violation, undone, visit, status: restored.status };
		}

		// A new visit: drop assignees who are not on duty, otherwise cancel it, else remove it.
		let candidate = visit;
		let undone: string[] = [];
		let remaining = violations;
		if (remaining[0].rule === 'malformed' && remaining[0].reason === 'unknown-assignee') {
			const off = new Set(judge.offDuty(visit).map((s) => s.staffId));
			candidate = { ...visit, assignees: visit.assignees.filter((s) => !off.has(s)) };
			undone = ['assignees'];
			remaining = judge.check(candidate, undefined);
		}
		if (remaining.length > 0 && remaining[0].rule !== 'malformed') {
			candidate = { ...candidate, status: 'cancelled' };
			undone = ['status'];
			remaining = judge.check(candidate, undefined);
		}
		if (remaining.length > 0) {
			remove();
			return { visitId: id, violation, undone: ['visit'], visit, status: undefined };
		}
		writeVisitState(this.doc, candidate);
		accept(candidate);
		return { visitId: id, violation, undone, visit, status: candidate.status };
	}

	private describe(violation: Violation, visit: BoardVisit, judge: Judge): AuthorityViolation {
		if (violation.rule === 'malformed' && violation.reason === 'unknown-assignee') {
			return { ...violation, offDuty: judge.offDuty(visit), date: visit.date };
		}
		return violation;
	}

	/**
	 * Runs a change of the server's own (a command) in one authority transaction and records
	 * the resulting states as accepted. Commands check what they write beforehand.
	 */
	change(fn: () => void): {
		update: Uint8Array | null;
		changed: Map<string, BoardVisit | null>;
		/** The accepted states of the changed visits before the change. */
		before: Map<string, BoardVisit>;
	} {
		const visits = visitsMap(this.doc) as unknown as Y.AbstractType<unknown>;
		const touched = new Set<string>();
		let update: Uint8Array | null = null;
		const onTransaction = (tr: Y.Transaction) => {
			if (tr.origin !== AUTHORITY) return;
			for (const [changedType, keys] of tr.changed) {
				const type = changedType as Y.AbstractType<unknown>;
				if (type === visits) for (const key of keys) if (key !== null) touched.add(key);
				let item = type._item;
				while (item && item.parent !== visits)
					item = (item.parent as Y.AbstractType<unknown>)._item;
				if (item?.parentSub) touched.add(item.parentSub);
			}
		};
		const onUpdate = (u: Uint8Array, o: unknown) => {
			if (o === AUTHORITY) update = u;
		};
		this.doc.on('afterTransaction', onTransaction);
		this.doc.on('update', onUpdate);
		try {
			this.doc.transact(fn, AUTHORITY);
		} finally {
			this.doc.off('afterTransaction', onTransaction);
			this.doc.off('update', onUpdate);
		}
		const changed = new Map<string, BoardVisit | null>();
		const before = new Map<string, BoardVisit>();
		for (const id of touched) {
			const previous = this.accepted.get(id);
			if (previous) before.set(id, previous);
			const parsed = parseVisit(id, visitsMap(this.doc).get(id));
			if (parsed.ok) {
				this.accepted.set(id, parsed.visit);
				changed.set(id, parsed.visit);
			} else if (this.accepted.delete(id)) {
				changed.set(id, null);
			}
		}
		return { update, changed, before };
	}
}
