import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { isValidIsoDate, isoWeekKey, isoWeekRange, todayIn } from '$lib/domain/periods';
import { boardRoom, opensFreely } from '$lib/board';
import { getApp } from '$lib/server/app';
import { PostgresBoardStore } from '$lib/server/realtime/board-store.postgres';
import { teamsOf } from '$lib/server/auth/access';
import { audit } from '$lib/server/audit';
import { requireRole, requireUser } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import { lockTablet, tabletStaff, unlockTablet } from '$lib/server/auth/pin';
import { listServices } from '$lib/server/services/catalogue';
import { staffMetLast14Days } from '$lib/server/services/continuity';
import { frameReport } from '$lib/server/services/frames';
import { teamClients, teamStaff } from '$lib/server/services/teams';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await getApp();
	const today = todayIn();
	const asked = event.url.searchParams.get('date');
	const date = asked && isValidIsoDate(asked) ? asked : today;
	const week = isoWeekKey(date);
	const weekRange = isoWeekRange(week);
	const teams = await teamsOf(db, user, weekRange.start, weekRange.end, 'board');
	const team = teams.find((t) => t.id === event.params.teamId);
	if (!team) error(403, 'forbidden');

	// A team tablet shows nothing of the board until a person of the team unlocks it (§7).
	const { sessions } = await getApp();
	const acting = user.role === 'teamDevice' ? (event.locals.session?.acting ?? null) : null;
	if (user.role === 'teamDevice' && !acting) {
		return {
			locked: true as const,
			team,
			date,
			week,
			people: await tabletStaff(db, team.id, today)
		};
	}
	const tablet = acting
		? {
				acting: { id: acting.staffId, name: acting.name },
				idleMs: sessions.policy.tabletIdleMs,
				remainingMs: Math.max(0, acting.expiresAt.getTime() - Date.now())
			}
		: null;

	// A week far from today opens only when its board exists; a person may create it here.
	const missing =
		!opensFreely(week, today) &&
		!(await new PostgresBoardStore(db).exists(boardRoom(team.id, week)));
	if (missing) {
		return { locked: false as const, missing: true as const, tablet, team, date, today, week };
	}

	const [staff, clients, services, frames] = await Promise.all([
		teamStaff(db, team.id, date),
		teamClients(db, team.id),
		listServices(db, user.organisationId, user.locale),
		frameReport(db, { teamId: team.id, period: weekRange })
	]);
	const continuity = await staffMetLast14Days(
		db,
		clients.map((c) => c.id),
		today
	);
	await audit(db, acting ? { ...user, id: acting.staffId } : user, {
		action: 'read',
		clientIds: clients.map((c) => c.id),
		device: deviceOf(event),
		detail: { what: 'board', teamId: team.id, week }
	});
	return {
		locked: false as const,
		missing: false as const,
		tablet,
		team,
		teams,
		date,
		today,
		week,
		me: { id: user.id, name: user.name, role: user.role },
		staff,
		clients,
		services: services.map((s) => ({
			code: s.code,
			name: s.name,
			requires: s.requires,
			twoStaff: s.twoStaff
		})),
		frames,
		continuity,
		privacyDefault: user.role === 'teamDevice'
	};
};

const UnlockForm = z.object({
	staffId: z.uuid(),
	pin: z.string().max(20)
});

export const actions: Actions = {
	/**
	 * A person creates the board of a week far from today (an empty board: the week is filled
	 * from the base plan when it is first opened, like any new week that is not past).
	 */
	createBoard: async (event) => {
		const user = requireUser(event);
		const acting = user.role === 'teamDevice' ? (event.locals.session?.acting ?? null) : null;
		if (user.role === 'teamDevice' && !acting) error(403, 'forbidden');
		const { db } = await getApp();
		const asked = event.url.searchParams.get('date');
		const date = asked && isValidIsoDate(asked) ? asked : todayIn();
		const week = isoWeekKey(date);
		const range = isoWeekRange(week);
		const teams = await teamsOf(db, user, range.start, range.end, 'board');
		const team = teams.find((t) => t.id === event.params.teamId);
		if (!team) error(403, 'forbidden');
		await new PostgresBoardStore(db).create(boardRoom(team.id, week));
		await audit(db, acting ? { ...user, id: acting.staffId } : user, {
			action: 'change',
			clientIds: [],
			device: deviceOf(event),
			detail: { what: 'board', created: true, teamId: team.id, week }
		});
		redirect(303, `${event.url.pathname}?date=${date}`);
	},

	/** A person of the team unlocks the tablet with their PIN. */
	unlock: async (event) => {
		const user = requireRole(event, ['teamDevice']);
		const session = event.locals.session;
		if (!session) error(401, 'unauthorized');
		const form = await event.request.formData();
		const staffId = String(form.get('staffId') ?? '');
		const parsed = UnlockForm.safeParse({ staffId, pin: String(form.get('pin') ?? '') });
		if (!parsed.success) return fail(400, { error: 'not-on-team' as const, staffId: '' });
		if (parsed.data.pin.length < 4) return fail(400, { error: 'short' as const, staffId });
		const { db, sessions } = await getApp();
		const result = await unlockTablet(db, sessions, {
			device: user,
			sessionId: session.id,
			staffId: parsed.data.staffId,
			pin: parsed.data.pin,
			today: todayIn(),
			userAgent: event.request.headers.get('user-agent') ?? ''
		});
		if (result.ok) return { unlocked: true };
		if (result.reason === 'locked-out') {
			return fail(429, {
				error: result.reason,
				staffId,
				minutes: Math.max(1, Math.ceil(result.retryAfterSeconds / 60))
			});
		}
		if (result.reason === 'wrong-pin') {
			return fail(400, { error: result.reason, staffId, triesLeft: result.triesLeft });
		}
		return fail(400, { error: result.reason, staffId });
	},

	/** Locks the tablet at once (the Lås button, or the idle lock with `reason=idle`). */
	lock: async (event) => {
		const user = requireRole(event, ['teamDevice']);
		const session = event.locals.session;
		if (!session) error(401, 'unauthorized');
		const form = await event.request.formData();
		const { db, sessions } = await getApp();
		await lockTablet(db, sessions, user, session, event.request.headers.get('user-agent') ?? '');
		return { lockedBy: form.get('reason') === 'idle' ? ('idle' as const) : ('person' as const) };
	}
};
