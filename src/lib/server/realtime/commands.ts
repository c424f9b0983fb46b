/**
 * Commands that change relational data and the boards together (DESIGN.md §4, §5): recorded
 * time, absences and moving a visit to another week. Each carries an idempotency key; a
 * replay answers as the first call did and changes nothing, and the key sent again with other
 * values is a `conflict` (§6).
 */
import { and, desc, eq, isNull, or } from 'drizzle-orm';
import {
	decisionCovering,
	framePeriodOf,
	isoWeekKey,
	isoWeekRange,
	todayIn
} from '$lib/domain/periods';
import { timeOverdrawsFrame, timeRecordableOn } from '$lib/domain/frame';
import type { DayPart, IsoDate, VisitStatus } from '$lib/domain/types';
import {
	addSignal,
	boardRoom,
	createVisit,
	deleteVisit,
	parseBoardRoom,
	rankAtEnd,
	setStatus,
	signalsMap,
	unassign,
	type BoardVisit
} from '$lib/board';
import type {
	AbsenceSetPayload,
	AbsenceSetResult,
	TimeRecordPayload,
	TimeRecordResult,
	VisitMoveWeekPayload,
	VisitMoveWeekResult,
	VisitOutcome
} from '$lib/realtime/protocol';
import type { Db } from '../db/client';
import {
	absence,
	auditLog,
	commandReceipt,
	plannedVisit,
	staff,
	teamMembership,
	timeEntry
} from '../db/schema';
import type { SessionUser } from '../auth/session';
import { verdictMessage } from '../services/verdict-text';
import { usedMinutes, type TeamContext } from './context';
import { canonicalJson, payloadFingerprint, timeRecordForm } from './idempotency';
import type { Actor } from './room';
import type { RoomManager } from './rooms';

export interface CommandDeps {
	db: Db;
	rooms: RoomManager;
	canAccessTeam(user: SessionUser, teamId: string, start: IsoDate, end?: IsoDate): Promise<boolean>;
	/** The team's today (`todayIn()`, Europe/Stockholm, unless a test sets the clock). */
	today?: () => IsoDate;
}

type Result = { ok: boolean } & Record<string, unknown>;

const inflight = new Map<string, { fingerprint: string; staffId: string; work: Promise<Result> }>();

const CONFLICT = { ok: false, error: 'conflict' } as const;

/** What a later send with the same key gets: the first answer, marked as a replay. */
const asReplay = (result: Result): Result => (result.ok ? { ...result, replayed: true } : result);

/**
 * Runs a command once per idempotency key (DESIGN.md §6). A replay — the same person sending
 * the same payload again, also while the first run is still going — gets the first answer with
 * `replayed: true`. The same key with another payload, for another person or command is a
 * `conflict` and changes nothing: the new values are never silently dropped. Refusals are not
 * stored, so the same key may be tried again.
 */
async function once<T extends Result>(
	db: Db,
	actor: Actor,
	command: string,
	key: string,
	fingerprint: string,
	run: () => Promise<T>
): Promise<T> {
	const scoped = `${command}:${key}`;
	const running = inflight.get(scoped);
	if (running) {
		if (running.fingerprint !== fingerprint || running.staffId !== actor.user.id) {
			return CONFLICT as unknown as T;
		}
		return asReplay(await running.work) as T;
	}
	const work = (async (): Promise<Result> => {
		const [receipt] = await db.select().from(commandReceipt).where(eq(commandReceipt.key, scoped));
		if (receipt) {
			if (receipt.staffId !== actor.user.id) return CONFLICT;
			// Receipts from before fingerprints were kept cannot tell; they answer as they did.
			if (receipt.fingerprint !== null && receipt.fingerprint !== fingerprint) return CONFLICT;
			return asReplay(receipt.result as Result);
		}
		const result = await run();
		if (result.ok) {
			await db
				.insert(commandReceipt)
				.values({ key: scoped, staffId: actor.user.id, command, fingerprint, result })
				.onConflictDoNothing();
		}
		return result;
	})();
	inflight.set(scoped, { fingerprint, staffId: actor.user.id, work });
	try {
		return (await work) as T;
	} finally {
		inflight.delete(scoped);
	}
}

/** Whether a stored time entry is the report `payload` describes (its receipt was lost). */
function sameReport(entry: typeof timeEntry.$inferSelect, payload: TimeRecordPayload): boolean {
	const stored = {
		visitId: entry.visitId,
		minutes: entry.minutes,
		withClient: entry.withClient,
		outcome: entry.outcome,
		declinedServices: [...entry.declinedServices].sort(),
		note: entry.note
	};
	return canonicalJson(stored) === canonicalJson(timeRecordForm(payload));
}

async function findVisit(db: Db, visitId: string) {
	const [row] = await db.select().from(plannedVisit).where(eq(plannedVisit.id, visitId));
	return row;
}

/** The frame of the decision covering the visit's date, for flagging overdrawn time. */
function frameOf(ctx: TeamContext, visit: BoardVisit) {
	const decision = decisionCovering(ctx.decisions.get(visit.clientId) ?? [], visit.date);
	if (!decision) return undefined;
	const period = framePeriodOf(decision.framePeriod, visit.date);
	return { frameMinutes: decision.frameMinutes, used: usedMinutes(ctx, visit.clientId, period) };
}

/** The board status a visit gets from what the worker reported. */
const STATUS_OF: Record<VisitOutcome, VisitStatus> = {
	done: 'done',
	declined: 'declined',
	'not-done': 'cancelled'
};

/**
 * The board half of a report whose entry is stored. The entry and the board change are two
 * commits: a crash or a database outage between them leaves the entry without its status (the
 * visit still `planned`, its estimate and its time both counting). A replay of that report
 * finishes the board change — only while the entry is the visit's latest and the board still
 * shows another status than it reported, so a later correction or a team's later change wins.
 */
async function finishBoardChange(
	deps: CommandDeps,
	actor: Actor,
	entry: typeof timeEntry.$inferSelect,
	payload: TimeRecordPayload
): Promise<void> {
	if (!entry.visitId) return;
	const visitId = entry.visitId;
	const [latest] = await deps.db
		.select({ id: timeEntry.id })
		.from(timeEntry)
		.where(eq(timeEntry.visitId, visitId))
		.orderBy(desc(timeEntry.createdAt), desc(timeEntry.id))
		.limit(1);
	if (latest?.id !== entry.id) return;
	const row = await findVisit(deps.db, visitId);
	if (!row) return;
	const status = STATUS_OF[entry.outcome as VisitOutcome];
	if (!status || row.status === status) return;
	await deps.rooms.withRoom(row.room, async (room) => {
		const visit = room.authority.accepted.get(visitId);
		if (!visit || visit.status === status) return;
		const signal = payload.signal;
		await room.commitServerChange(
			() => {
				setStatus(room.doc, visit.id, status);
				if (signal && !signalsMap(room.doc).has(entry.id)) {
					addSignal(room.doc, { id: entry.id, clientId: visit.clientId, text: signal.text });
				}
			},
			actor,
			await room.context()
		).committed;
	});
}

/**
 * Records what happened at a visit ("Klar"): time really spent for the client, services the
 * client declined, a note, and optionally a signal for the team. Time is recorded afterwards:
 * a visit dated after the team's today is refused (`future-date`, T2). Never refused for the
 * frame: an entry that overdraws it is stored and flagged (F2). The visit becomes `done` (its
 * estimate stops counting and its recorded time counts instead, F4), `declined` or `cancelled`.
 * A second report for the same visit corrects the first: a new row naming the old one (T1), so
 * the history stays and nothing is counted twice.
 */
export async function recordTime(
	deps: CommandDeps,
	actor: Actor,
	payload: TimeRecordPayload
): Promise<TimeRecordResult> {
	const key = payload.idempotencyKey;
	const fingerprint = payloadFingerprint('time:record', payload);
	return once(deps.db, actor, 'time:record', key, fingerprint, async () => {
		// The entry holds the key too: a report whose receipt was lost (a crash between the two)
		// is still found, and compared field by field with what it stored.
		const [existing] = await deps.db
			.select()
			.from(timeEntry)
			.where(eq(timeEntry.idempotencyKey, key));
		if (existing) {
			if (existing.recordedBy !== actor.user.id || !sameReport(existing, payload)) {
				return CONFLICT;
			}
			await finishBoardChange(deps, actor, existing, payload);
			return {
				ok: true,
				entryId: existing.id,
				correctsId: existing.correctsId,
				overdrawn: existing.overdrawn,
				replayed: true
			} as const;
		}
		const row = await findVisit(deps.db, payload.visitId);
		if (!row) return { ok: false, error: 'not-found' } as const;
		if (!(await deps.canAccessTeam(actor.user, row.teamId, row.date))) {
			return { ok: false, error: 'forbidden' } as const;
		}
		if (!timeRecordableOn(row.date, (deps.today ?? todayIn)())) {
			return { ok: false, error: 'future-date' } as const;
		}
		const outcome = payload.outcome ?? 'done';
		const declined = [...new Set(payload.declinedServices ?? [])].sort();
		return deps.rooms.withRoom(row.room, async (room, ctx) => {
			const visit = room.authority.accepted.get(payload.visitId);
			if (!visit) return { ok: false, error: 'not-found' } as const;
			// The board is the truth about the date: the projection row may lag a move.
			if (!timeRecordableOn(visit.date, (deps.today ?? todayIn)())) {
				return { ok: false, error: 'future-date' } as const;
			}
			if (declined.some((code) => !visit.services.includes(code))) {
				return { ok: false, error: 'invalid-input' } as const;
			}
			const [previous] = await deps.db
				.select()
				.from(timeEntry)
				.where(eq(timeEntry.visitId, visit.id))
				.orderBy(desc(timeEntry.createdAt), desc(timeEntry.id))
				.limit(1);
			// A first report of a visit carried out says how long it took; a correction to 0
			// minutes withdraws an earlier report (T1).
			if (!previous && outcome === 'done' && payload.minutes === 0) {
				return { ok: false, error: 'invalid-input' } as const;
			}
			const frame = frameOf(ctx, visit);
			const overdrawn = frame
				? timeOverdrawsFrame({
						frameMinutes: frame.frameMinutes,
						usedMinutes: frame.used,
						addedMinutes: payload.minutes - (previous?.minutes ?? 0),
						toleranceMinutes: ctx.toleranceMinutes
					})
				: false;
			const note = (payload.note ?? '').trim();
			const entryId = await deps.db.transaction(async (tx) => {
				const [entry] = await tx
					.insert(timeEntry)
					.values({
						organisationId: ctx.organisationId,
						clientId: visit.clientId,
						visitId: visit.id,
						staffId: actor.user.id,
						date: visit.date,
						minutes: payload.minutes,
						withClient: payload.withClient ?? true,
						outcome,
						declinedServices: declined,
						note,
						correctsId: previous?.id ?? null,
						overdrawn,
						idempotencyKey: payload.idempotencyKey,
						recordedBy: actor.user.id
					})
					.returning({ id: timeEntry.id });
				await tx.insert(auditLog).values({
					organisationId: ctx.organisationId,
					unitId: ctx.unitId,
					staffId: actor.actingStaffId ?? actor.user.id,
					action: 'change',
					clientId: visit.clientId,
					device: actor.device || 'board',
					detail: {
						what: 'time-entry',
						id: entry.id,
						visitId: visit.id,
						outcome,
						overdrawn,
						corrects: previous?.id ?? null
					}
				});
				return entry.id;
			});
			room.invalidateContext();
			const fresh = await room.context();
			const status = STATUS_OF[outcome];
			const signal = payload.signal;
			if (visit.status !== status || signal) {
				await room.commitServerChange(
					() => {
						if (visit.status !== status) setStatus(room.doc, visit.id, status);
						// The signal is named after the entry, so a replay can tell it was added.
						if (signal) {
							addSignal(room.doc, { id: entryId, clientId: visit.clientId, text: signal.text });
						}
					},
					actor,
					fresh
				).committed;
			}
			// A changed status announces the client's new frame figures itself.
			if (visit.status === status) deps.rooms.events.framesChanged(room, [visit.clientId]);
			return {
				ok: true,
				entryId,
				correctsId: previous?.id ?? null,
				overdrawn,
				replayed: false
			} as const;
		});
	});
}

/** Teams a staff member works in on `date`: home teams and the team they are lent to. */
async function teamsOfStaffOn(db: Db, staffId: string, date: IsoDate): Promise<string[]> {
	const rows = await db
		.selectDistinct({ teamId: teamMembership.teamId })
		.from(teamMembership)
		.where(
			and(
				eq(teamMembership.staffId, staffId),
				or(isNull(teamMembership.lentOn), eq(teamMembership.lentOn, date))
			)
		);
	return rows.map((r) => r.teamId);
}

/**
 * Marks a staff member away (or back) on a date. The team covers for its own: anyone who
 * works with the person that day may record it. The absence table is written first; each
 * of the person's boards that week then shows it, and their visits in the absent day parts
 * go back to the team, unassigned.
 */
export async function setAbsence(
	deps: CommandDeps,
	actor: Actor,
	payload: AbsenceSetPayload
): Promise<AbsenceSetResult> {
	const fingerprint = payloadFingerprint('absence:set', payload);
	return once(deps.db, actor, 'absence:set', payload.idempotencyKey, fingerprint, async () => {
		let week: string;
		try {
			week = isoWeekKey(payload.date);
		} catch {
			return { ok: false, error: 'invalid-input' } as const;
		}
		const [person] = await deps.db
			.select({ id: staff.id, organisationId: staff.organisationId })
			.from(staff)
			.where(eq(staff.id, payload.staffId));
		if (!person || person.organisationId !== actor.user.organisationId) {
			return { ok: false, error: 'not-found' } as const;
		}
		const teams = await teamsOfStaffOn(deps.db, payload.staffId, payload.date);
		const allowed = [];
		for (const teamId of teams) {
			if (await deps.canAccessTeam(actor.user, teamId, payload.date)) allowed.push(teamId);
		}
		if (allowed.length === 0 && payload.staffId !== actor.user.id) {
			return { ok: false, error: 'forbidden' } as const;
		}
		const dayParts = payload.dayParts;
		await deps.db.transaction(async (tx) => {
			await tx
				.delete(absence)
				.where(and(eq(absence.staffId, payload.staffId), eq(absence.date, payload.date)));
			if (dayParts !== null) {
				await tx.insert(absence).values({
					organisationId: person.organisationId,
					staffId: payload.staffId,
					date: payload.date,
					dayParts: dayParts === 'day' ? null : dayParts,
					createdBy: actor.user.id
				});
			}
			await tx.insert(auditLog).values({
				organisationId: actor.user.organisationId,
				unitId: actor.user.unitId,
				staffId: actor.actingStaffId ?? actor.user.id,
				action: 'change',
				clientId: null,
				device: actor.device || 'board',
				detail: { what: 'absence', staffId: payload.staffId, date: payload.date, dayParts }
			});
		});
		const unassigned: string[] = [];
		for (const teamId of teams) {
			const room = boardRoom(teamId, week);
			await deps.rooms.withRoom(
				room,
				async (r) => {
					if (dayParts === null) return;
					const away = (part: DayPart) => dayParts === 'day' || dayParts.includes(part);
					const affected = [...r.authority.accepted.values()].filter(
						(v) =>
							v.date === payload.date &&
							v.status === 'planned' &&
							away(v.dayPart) &&
							v.assignees.includes(payload.staffId)
					);
					if (affected.length === 0) return;
					const { committed } = r.commitServerChange(
						() => {
							for (const v of affected) unassign(r.doc, v.id, payload.staffId);
						},
						actor,
						r.currentContext!
					);
					await committed;
					unassigned.push(...affected.map((v) => v.id));
				},
				{ freshContext: true }
			);
		}
		return { ok: true, unassigned, replayed: false } as const;
	});
}

/**
 * Moves a visit to a date in another week: it is judged on the target board first, added
 * there, then removed from the source board, so it is never lost in between.
 */
export async function moveVisitWeek(
	deps: CommandDeps,
	actor: Actor,
	payload: VisitMoveWeekPayload
): Promise<VisitMoveWeekResult> {
	const fingerprint = payloadFingerprint('visit:move-week', payload);
	return once(deps.db, actor, 'visit:move-week', payload.idempotencyKey, fingerprint, async () => {
		const from = parseBoardRoom(payload.fromRoom)!;
		let toWeek: string;
		try {
			toWeek = isoWeekKey(payload.toDate);
		} catch {
			return { ok: false, error: 'invalid-input' } as const;
		}
		if (toWeek === from.week) return { ok: false, error: 'invalid-input' } as const;
		const week = isoWeekRange(from.week);
		if (
			!(await deps.canAccessTeam(actor.user, from.teamId, week.start, week.end)) ||
			!(await deps.canAccessTeam(actor.user, from.teamId, payload.toDate))
		) {
			return { ok: false, error: 'forbidden' } as const;
		}
		const visit = await deps.rooms.withRoom(payload.fromRoom, (r) =>
			r.authority.accepted.get(payload.visitId)
		);
		if (!visit) return { ok: false, error: 'not-found' } as const;
		const toRoom = boardRoom(from.teamId, toWeek);
		const added = await deps.rooms.withRoom(
			toRoom,
			async (r, ctx) => {
				if (r.authority.accepted.has(visit.id)) return { ok: true } as const;
				const moved: BoardVisit = {
					...visit,
					date: payload.toDate,
					dayPart: payload.dayPart ?? visit.dayPart,
					rank: ''
				};
				moved.rank = rankAtEnd(r.doc, moved.date, moved.dayPart);
				const violations = r.judge(ctx).check(moved, undefined);
				if (violations.length > 0) {
					const violation = violations[0];
					return {
						ok: false,
						error: 'refused',
						verdict: {
							visitId: visit.id,
							rule: violation.rule,
							message: verdictMessage(
								violation,
								[],
								{
									locale: actor.user.locale,
									today: todayIn(),
									clientName: ctx.clients.get(visit.clientId)?.name ?? '',
									serviceName: (code, l) => ctx.serviceNames[code]?.[l] ?? code,
									competenceName: (code, l) => ctx.competenceNames[code]?.[l] ?? code
								},
								moved.date
							),
							details: violation as unknown as Record<string, unknown>
						}
					} as const;
				}
				const { committed } = r.commitServerChange(
					() => createVisit(r.doc, { ...moved, note: visit.note }),
					actor,
					ctx
				);
				await committed;
				return { ok: true } as const;
			},
			{ freshContext: true }
		);
		if (!added.ok) return added;
		await deps.rooms.withRoom(payload.fromRoom, async (r, ctx) => {
			if (!r.authority.accepted.has(visit.id)) return;
			await r.commitServerChange(() => deleteVisit(r.doc, visit.id), actor, ctx).committed;
		});
		return { ok: true, room: toRoom, replayed: false } as const;
	});
}
