/**
 * A client's log extract (HSLF-FS 2016:40): every read, change, export and print of the
 * client's details, with who, when, from which device and in which unit. Managers see the
 * clients of their unit, administrators those of their organisation; producing an extract is
 * itself written to the log.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, client, staff, team } from '../db/schema';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';

export interface ClientLogRow {
	at: string;
	action: string;
	staffId: string | null;
	staffName: string | null;
	unitId: string | null;
	device: string;
	what: string | null;
}

export type ClientLogResult = { ok: true; rows: ClientLogRow[] } | { ok: false; status: 403 | 404 };

export async function clientLog(
	db: Db,
	user: SessionUser,
	clientId: string,
	device: string,
	limit = 500
): Promise<ClientLogResult> {
	const [person] = await db
		.select({ id: client.id, organisationId: client.organisationId, unitId: team.unitId })
		.from(client)
		.innerJoin(team, eq(team.id, client.teamId))
		.where(eq(client.id, clientId));
	if (!person || person.organisationId !== user.organisationId) return { ok: false, status: 404 };
	const allowed =
		user.role === 'admin' || (user.role === 'manager' && user.unitId === person.unitId);
	if (!allowed) return { ok: false, status: 403 };
	const rows = await db
		.select({
			at: auditLog.at,
			action: auditLog.action,
			staffId: auditLog.staffId,
			staffName: staff.name,
			unitId: auditLog.unitId,
			device: auditLog.device,
			detail: auditLog.detail
		})
		.from(auditLog)
		.leftJoin(staff, eq(staff.id, auditLog.staffId))
		.where(and(eq(auditLog.clientId, clientId), eq(auditLog.organisationId, user.organisationId)))
		.orderBy(desc(auditLog.at), desc(auditLog.id))
		.limit(limit);
	await audit(db, user, {
		action: 'read',
		clientIds: [clientId],
		device,
		detail: { what: 'log-extract' }
	});
	return {
		ok: true,
		rows: rows.map((r) => ({
			at: r.at.toISOString(),
			action: r.action,
			staffId: r.staffId,
			staffName: r.staffName,
			unitId: r.unitId,
			device: r.device,
			what:
				typeof (r.detail as { what?: unknown }).what === 'string'
					? (r.detail as { what: string }).what
					: null
		}))
	};
}
