/**
 * Searching a unit's access log (HSLF-FS 2016:40 4 kap.): who read, changed, exported or
 * printed what, when and from which device. A unit's log is every row written in the unit
 * (`unit_id`) and every row about a client of the unit's teams, whoever wrote it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { IsoDate } from '../../domain/types';
import { addDays } from '../../domain/periods';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';

export const AUDIT_ACTIONS = [
	'read',
	'change',
	'export',
	'print',
	'login',
	'logout',
	'login-failed'
] as const;
export type AuditActionName = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_PAGE_SIZE = 50;
/** Swedish calendar days: the log is searched and shown in Swedish time. */
export const AUDIT_TIME_ZONE = 'Europe/Stockholm';

export interface AuditFilter {
	clientId?: string | null;
	staffId?: string | null;
	action?: AuditActionName | null;
	from: IsoDate;
	to: IsoDate;
	/** 1-based. */
	page: number;
}

export interface AuditRow {
	id: number;
	at: string;
	action: string;
	staffId: string | null;
	staffName: string | null;
	clientId: string | null;
	clientName: string | null;
	device: string;
	what: string | null;
}

export interface AuditPage {
	rows: AuditRow[];
	total: number;
	page: number;
	pages: number;
}

/**
 * The condition that log row `alias` belongs to the unit's log, within the organisation:
 * written in the unit, or about a client of one of the unit's teams.
 */
export function unitLogAs(alias: string, unitId: string, organisationId: string): SQL {
	const a = sql.raw(alias);
	return sql`${a}.organisation_id = ${organisationId}::uuid and (
		${a}.unit_id = ${unitId}::uuid
		or ${a}.client_id in (
			select c.id from client c join team t on t.id = c.team_id where t.unit_id = ${unitId}::uuid
		)
	)`;
}

/** Rows of calendar days `from..to` in Swedish time, as an index-friendly range on `at`. */
export function withinDaysAs(alias: string, from: IsoDate, to: IsoDate): SQL {
	const a = sql.raw(alias);
	const end = addDays(to, 1);
	return sql`${a}.at >= (${from}::date::timestamp at time zone ${AUDIT_TIME_ZONE})
		and ${a}.at < (${end}::date::timestamp at time zone ${AUDIT_TIME_ZONE})`;
}

/** One page of the unit's log, newest first, 50 rows a page. */
export async function searchAuditLog(
	db: Db,
	unit: { id: string; organisationId: string },
	filter: AuditFilter
): Promise<AuditPage> {
	const conditions: SQL[] = [
		unitLogAs('a', unit.id, unit.organisationId),
		withinDaysAs('a', filter.from, filter.to)
	];
	if (filter.clientId) conditions.push(sql`a.client_id = ${filter.clientId}::uuid`);
	if (filter.staffId) conditions.push(sql`a.staff_id = ${filter.staffId}::uuid`);
	if (filter.action) conditions.push(sql`a.action = ${filter.action}`);
	const where = sql.join(conditions, sql` and `);
	const [countRow] = rowsOf<{ total: number }>(
		await db.execute(sql`select count(*)::int as total from audit_log a where ${where}`)
	);
	const total = Number(countRow.total);
	const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
	const page = Math.min(Math.max(1, Math.floor(filter.page)), pages);
	const rows = rowsOf<{
		id: number | string;
		at: Date | string;
		action: string;
		staffId: string | null;
		staffName: string | null;
		clientId: string | null;
		clientName: string | null;
		device: string;
		what: string | null;
	}>(
		await db.execute(sql`
			select a.id, a.at, a.action, a.staff_id as "staffId", s.name as "staffName",
				a.client_id as "clientId", c.name as "clientName", a.device,
				a.detail->>'what' as what
			from audit_log a
			left join staff s on s.id = a.staff_id
			left join client c on c.id = a.client_id
			where ${where}
			order by a.at desc, a.id desc
			limit ${AUDIT_PAGE_SIZE} offset ${(page - 1) * AUDIT_PAGE_SIZE}
		`)
	);
	return {
		rows: rows.map((r) => ({
			id: Number(r.id),
			at: new Date(r.at).toISOString(),
			action: r.action,
			staffId: r.staffId,
			staffName: r.staffName,
			clientId: r.clientId,
			clientName: r.clientName,
			device: r.device,
			what: r.what
		})),
		total,
		page,
		pages
	};
}

export interface ClientOption {
	id: string;
	name: string;
	teamName: string;
}

/** Clients of the unit whose name contains `q` (case-insensitive), at most 20, by name. */
export async function findUnitClients(db: Db, unitId: string, q: string): Promise<ClientOption[]> {
	const pattern = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
	return rowsOf<ClientOption>(
		await db.execute(sql`
			select c.id, c.name, t.name as "teamName"
			from client c join team t on t.id = c.team_id
			where t.unit_id = ${unitId}::uuid and c.name ilike ${pattern}
			order by c.name, c.id
			limit 20
		`)
	);
}

/** A client of the unit by id, or null. */
export async function unitClient(
	db: Db,
	unitId: string,
	clientId: string
): Promise<ClientOption | null> {
	const [row] = rowsOf<ClientOption>(
		await db.execute(sql`
			select c.id, c.name, t.name as "teamName"
			from client c join team t on t.id = c.team_id
			where t.unit_id = ${unitId}::uuid and c.id = ${clientId}::uuid
		`)
	);
	return row ?? null;
}

/** Everybody of the organisation who can appear in the log as its user, by name. */
export async function organisationStaff(
	db: Db,
	organisationId: string
): Promise<{ id: string; name: string }[]> {
	return rowsOf<{ id: string; name: string }>(
		await db.execute(sql`
			select s.id, s.name from staff s
			where s.organisation_id = ${organisationId}::uuid
			order by s.name, s.id
		`)
	);
}
