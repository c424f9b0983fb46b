/**
 * Filling a week's board from the team's base plan (SPEC.md B8): when a board of a week that
 * is not in the past is first loaded with nothing on it, or when the team asks for it in the
 * huddle (`week:fill`). At most once per team and week, also with several processes: the
 * `base_plan_fill` row is inserted first and only the process whose insert wins fills. Every
 * visit goes through the board's own rules as it is added and is committed and relayed like
 * any change; one that breaks a rule is still created, unassigned, and listed — never dropped.
 */
import { createHash } from 'node:crypto';
import { and, eq, type SQL } from 'drizzle-orm';
import { occasionKey, occasionsOfWeek } from '$lib/domain/base-plan';
import { compareDates, isoWeekRange, todayIn } from '$lib/domain/periods';
import type { IsoDate, Violation } from '$lib/domain/types';
import { createVisit, parseBoardRoom, type BoardVisit } from '$lib/board';
import type { WeekFillPayload, WeekFillResult, WeekFillVerdict } from '$lib/realtime/protocol';
import type { Db } from '../db/client';
import { basePlanFill } from '../db/schema';
import { patternsOfTeam } from '../services/base-plan';
import { verdictMessage, type Locale } from '../services/verdict-text';
import type { CommandDeps } from './commands';
import type { TeamContext } from './context';
import { notifyBoardDataChanged } from './invalidate';
import type { Actor, Logger } from './room';
import type { RoomManager } from './rooms';
import { describeError } from './samples';

/** A filled visit that breaks a rule, as the fill row keeps it. */
export interface StoredFillVerdict {
	visitId: string;
	clientId: string;
	date: IsoDate;
	violation: Violation;
}

/** What a fill did, kept in `base_plan_fill.result`. */
export interface StoredFill {
	/** Ids of the visits created. */
	created: string[];
	/** Visits that break a rule: created unassigned, or (malformed) not created at all. */
	unassigned: StoredFillVerdict[];
}

export type FillOutcome =
	| { status: 'filled' | 'already'; created: number; unassigned: WeekFillVerdict[] }
	| { status: 'skipped'; reason: 'past' | 'no-patterns' | 'has-visits' };

/** A stable UUID for a key (name-based, like a version 5 UUID but with SHA-256). */
export function uuidFromKey(key: string): string {
	const bytes = createHash('sha256').update(key).digest().subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The result of a fill, waiting (up to `waitMs`) while another process that won the row is
 * still filling: its row is written first and its result once the visits are committed.
 */
async function finishedFill(db: Db, rowOf: SQL | undefined, waitMs = 10_000): Promise<StoredFill> {
	const start = Date.now();
	for (;;) {
		const [row] = await db.select().from(basePlanFill).where(rowOf);
		const fill = (row?.result ?? {}) as Partial<StoredFill>;
		if (fill.created || !row || Date.now() - start > waitMs) {
			return { created: fill.created ?? [], unassigned: fill.unassigned ?? [] };
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function withMessages(
	fill: StoredFill,
	ctx: TeamContext,
	locale: Locale,
	today: IsoDate
): WeekFillVerdict[] {
	return fill.unassigned.map((u) => ({
		visitId: u.visitId,
		clientId: u.clientId,
		date: u.date,
		rule: u.violation.rule,
		message: verdictMessage(
			u.violation,
			[],
			{
				locale,
				today,
				clientName: ctx.clients.get(u.clientId)?.name ?? '',
				serviceName: (code, l) => ctx.serviceNames[code]?.[l] ?? code,
				competenceName: (code, l) => ctx.competenceNames[code]?.[l] ?? code
			},
			u.date
		)
	}));
}

/**
 * Fills the board `roomName` from the team's active patterns (B8). With `auto`, a board that
 * already has visits is left alone (the team started the week by hand). Resolves with what was
 * created, or with the first fill's result when the week was filled before.
 */
export async function fillWeek(
	deps: { db: Db; rooms: RoomManager },
	roomName: string,
	actor: Actor | null,
	opts: { auto: boolean; today?: IsoDate }
): Promise<FillOutcome> {
	const parsed = parseBoardRoom(roomName);
	if (!parsed) throw new Error(`not a board room: ${roomName}`);
	const { teamId, week } = parsed;
	const today = opts.today ?? todayIn();
	if (compareDates(isoWeekRange(week).end, today) < 0) return { status: 'skipped', reason: 'past' };
	const locale: Locale = actor?.user.locale === 'en' ? 'en' : 'sv';
	const { db } = deps;
	const rowOf = and(eq(basePlanFill.teamId, teamId), eq(basePlanFill.week, week));

	const patterns = (await patternsOfTeam(db, teamId)).filter((p) => p.active);
	// Most boards of most teams: nothing to fill, and the room is not held up.
	if (opts.auto && patterns.length === 0) return { status: 'skipped', reason: 'no-patterns' };
	const outcome = await deps.rooms.withRoom(
		roomName,
		async (room, ctx): Promise<FillOutcome> => {
			const already = async (): Promise<FillOutcome> => {
				const fill = await finishedFill(db, rowOf);
				return {
					status: 'already',
					created: fill.created.length,
					unassigned: withMessages(fill, ctx, locale, today)
				};
			};
			const [previous] = await db.select().from(basePlanFill).where(rowOf);
			if (previous) return already();
			if (patterns.length === 0) return { status: 'skipped', reason: 'no-patterns' };
			if (opts.auto && room.authority.accepted.size > 0) {
				return { status: 'skipped', reason: 'has-visits' };
			}
			const [won] = await db
				.insert(basePlanFill)
				.values({ teamId, week, filledBy: actor?.user.id ?? null, result: {} })
				.onConflictDoNothing()
				.returning({ week: basePlanFill.week });
			// Another process filled the week just now: answer with its result.
			if (!won) return already();
			try {
				const fill: StoredFill = { created: [], unassigned: [] };
				const judge = room.judge(ctx);
				const commits: Promise<void>[] = [];
				for (const occasion of occasionsOfWeek(patterns, week, today)) {
					const id = uuidFromKey(occasionKey(teamId, week, occasion));
					if (room.authority.accepted.has(id)) continue;
					const visit: BoardVisit = {
						id,
						clientId: occasion.clientId,
						date: occasion.date,
						dayPart: occasion.dayPart,
						services: occasion.services,
						minutes: occasion.minutes,
						assignees: [],
						status: 'planned',
						rank: '',
						note: occasion.note,
						...(occasion.window ? { window: occasion.window } : {})
					};
					// Judged against the board as it is now, so the visits added before count.
					const [violation] = judge.check(visit, undefined);
					if (violation) {
						fill.unassigned.push({
							visitId: id,
							clientId: visit.clientId,
							date: visit.date,
							violation
						});
					}
					if (violation?.rule === 'malformed') continue;
					const { committed } = room.commitServerChange(
						() =>
							createVisit(room.doc, {
								id,
								clientId: visit.clientId,
								date: visit.date,
								dayPart: visit.dayPart,
								services: visit.services,
								minutes: visit.minutes,
								window: visit.window,
								note: visit.note
							}),
						actor,
						ctx
					);
					commits.push(committed);
					fill.created.push(id);
				}
				await Promise.all(commits);
				await db.update(basePlanFill).set({ result: fill }).where(rowOf);
				return {
					status: 'filled',
					created: fill.created.length,
					unassigned: withMessages(fill, ctx, locale, today)
				};
			} catch (error) {
				// Let a later load or the huddle try again; the visits' ids keep it free of doubles.
				await db
					.delete(basePlanFill)
					.where(rowOf)
					.catch(() => {});
				throw error;
			}
		},
		{ freshContext: true }
	);
	if (outcome.status === 'filled' && outcome.created > 0) {
		notifyBoardDataChanged({
			teamId,
			change: {
				kind: 'base-plan-filled',
				week,
				created: outcome.created,
				// Every filled visit waits in "Att fördela" for the huddle.
				unassigned: outcome.created
			}
		});
	}
	return outcome;
}

/**
 * The hook run after a board is first loaded: fills a new week from the base plan. It never
 * fails the load; a failed fill is logged and tried again the next time the board is loaded.
 */
export function fillOnLoad(
	deps: { db: Db; rooms: RoomManager },
	roomName: string,
	log: Logger
): void {
	fillWeek(deps, roomName, null, { auto: true }).catch((error: unknown) =>
		log.warn('filling the week from the base plan failed', {
			room: roomName,
			error: describeError(error)
		})
	);
}

/** `week:fill`: the huddle asks for the week to be filled (confirmed on the tablet first). */
export async function weekFillCommand(
	deps: CommandDeps,
	actor: Actor,
	payload: WeekFillPayload
): Promise<WeekFillResult> {
	const { teamId, week } = parseBoardRoom(payload.room)!;
	const range = isoWeekRange(week);
	if (!(await deps.canAccessTeam(actor.user, teamId, range.start, range.end))) {
		return { ok: false, error: 'forbidden' };
	}
	const outcome = await fillWeek(deps, payload.room, actor, { auto: false });
	if (outcome.status === 'skipped') {
		if (outcome.reason === 'past') return { ok: false, error: 'invalid-input' };
		return { ok: true, created: 0, unassigned: [], replayed: false };
	}
	return {
		ok: true,
		created: outcome.created,
		unassigned: outcome.unassigned,
		replayed: outcome.status === 'already'
	};
}
