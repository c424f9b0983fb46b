/**
 * The access log of DESIGN.md §7 (HSLF-FS 2016:40): action, unit, when, user, client and
 * device. Rows are only ever inserted. No client details go into `detail`, only ids.
 */
import type { Db } from './db/client';
import { auditLog } from './db/schema';
import type { SessionUser } from './auth/session';

export type AuditAction = 'read' | 'change' | 'export' | 'print';

export interface AuditEntry {
	action: AuditAction;
	clientIds: string[];
	device: string;
	detail?: Record<string, unknown>;
	/**
	 * The unit the action concerns, when it is not the user's own: an administrator (who has no
	 * unit) working in a unit's follow-up, so the row shows in that unit's log.
	 */
	unitId?: string | null;
}

export async function audit(db: Db, user: SessionUser, entry: AuditEntry): Promise<void> {
	const base = {
		organisationId: user.organisationId,
		staffId: user.id,
		action: entry.action,
		unitId: entry.unitId ?? user.unitId,
		device: entry.device.slice(0, 300),
		detail: entry.detail ?? {}
	};
	const rows =
		entry.clientIds.length > 0
			? entry.clientIds.map((clientId) => ({ ...base, clientId }))
			: [{ ...base, clientId: null }];
	await db.insert(auditLog).values(rows);
}
