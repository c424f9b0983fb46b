/**
 * The billing basis of a unit for one month (rules BI1–BI7): one row per client and decision
 * version in force during the month, with the minutes granted for the days it covers and the
 * minutes really used on those days. Read from the relational tables only; exporting it is
 * written to the access log, because it names every client in it.
 */
import { sql } from 'drizzle-orm';
import { coveredDays, grantedMinutes, hoursOf } from '../../domain/billing';
import { csvDocument, type CsvCell } from '../../domain/csv';
import { PERIOD_WORD } from '../../domain/decision-csv';
import { monthRange } from '../../domain/periods';
import type { FramePeriod, IsoDate } from '../../domain/types';
import type { Db } from '../db/client';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import { decisionInForceAs } from './decision-versions';
import { effective } from './frames';
import { rowsOf } from '../db/rows';

export interface BillingRow {
	clientId: string;
	clientName: string;
	teamName: string;
	decisionId: string;
	validFrom: IsoDate;
	validTo: IsoDate | null;
	framePeriod: FramePeriod;
	frameMinutes: number;
	/** The days of the month the decision covers (BI2). */
	coveredFrom: IsoDate;
	coveredTo: IsoDate;
	coveredDays: number;
	/** BI3. */
	grantedMinutes: number;
	/** Effective time entries on the covered days (T1). */
	usedMinutes: number;
	/** Visits the client declined, and services declined within visits carried out. */
	declinedVisits: number;
	declinedServices: number;
	overdrawnEntries: number;
}

const collator = new Intl.Collator('sv');

/**
 * Every client of the unit's teams with a decision version in force overlapping `month`
 * (active or not: a client who left during the month is billed for it), sorted by team and
 * name. One statement: the decisions are clipped to the month in SQL and the effective time
 * entries of each decision's covered days summed through the (client, date) index.
 */
export async function billingBasis(db: Db, unitId: string, month: string): Promise<BillingRow[]> {
	const { start, end } = monthRange(month);
	const result = await db.execute(sql`
		with dec as (
			select d.id, d.client_id, c.name as client_name, t.name as team_name,
				d.valid_from, d.valid_to, d.frame_period, d.frame_minutes,
				greatest(d.valid_from, ${start}::date) as first_day,
				least(coalesce(d.valid_to, ${end}::date), ${end}::date) as last_day
			from decision d
			join client c on c.id = d.client_id
			join team t on t.id = c.team_id
			where t.unit_id = ${unitId}::uuid
				and ${decisionInForceAs('d')}
				and d.valid_from <= ${end}::date
				and (d.valid_to is null or d.valid_to >= ${start}::date)
		)
		select dec.id as "decisionId", dec.client_id as "clientId", dec.client_name as "clientName",
			dec.team_name as "teamName", dec.valid_from::text as "validFrom",
			dec.valid_to::text as "validTo", dec.frame_period as "framePeriod",
			dec.frame_minutes as "frameMinutes",
			coalesce(sum(te.minutes), 0)::int as used,
			(count(te.id) filter (where te.outcome = 'declined'))::int as "declinedVisits",
			coalesce(sum(cardinality(te.declined_services)), 0)::int as "declinedServices",
			(count(te.id) filter (where te.overdrawn))::int as "overdrawnEntries"
		from dec
		left join time_entry te
			on te.client_id = dec.client_id
			and te.date between dec.first_day and dec.last_day
			and ${effective(sql`te`, { many: true })}
		group by dec.id, dec.client_id, dec.client_name, dec.team_name, dec.valid_from,
			dec.valid_to, dec.frame_period, dec.frame_minutes
	`);
	const rows = rowsOf<{
		decisionId: string;
		clientId: string;
		clientName: string;
		teamName: string;
		validFrom: IsoDate;
		validTo: IsoDate | null;
		framePeriod: FramePeriod;
		frameMinutes: number;
		used: number;
		declinedVisits: number;
		declinedServices: number;
		overdrawnEntries: number;
	}>(result);
	const basis: BillingRow[] = [];
	for (const r of rows) {
		const covered = coveredDays(month, r.validFrom, r.validTo);
		if (!covered) continue;
		const frameMinutes = Number(r.frameMinutes);
		basis.push({
			clientId: r.clientId,
			clientName: r.clientName,
			teamName: r.teamName,
			decisionId: r.decisionId,
			validFrom: r.validFrom,
			validTo: r.validTo,
			framePeriod: r.framePeriod,
			frameMinutes,
			coveredFrom: covered.start,
			coveredTo: covered.end,
			coveredDays: covered.days,
			grantedMinutes: grantedMinutes(r.framePeriod, frameMinutes, covered),
			usedMinutes: Number(r.used),
			declinedVisits: Number(r.declinedVisits),
			declinedServices: Number(r.declinedServices),
			overdrawnEntries: Number(r.overdrawnEntries)
		});
	}
	return basis.sort(
		(a, b) =>
			collator.compare(a.teamName, b.teamName) ||
			collator.compare(a.clientName, b.clientName) ||
			(a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0) ||
			(a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0)
	);
}

/** The header of the CSV file: fixed Swedish column names, like the decision files. */
export const BILLING_CSV_HEADER = [
	'klient',
	'team',
	'beslut_id',
	'giltig_fran',
	'giltig_till',
	'ramperiod',
	'ramtid_minuter',
	'dagar_i_manaden',
	'beviljat_minuter',
	'beviljat_timmar',
	'utfort_minuter',
	'utfort_timmar',
	'avbojda_besok',
	'avbojda_insatser',
	'overdragna_registreringar'
] as const;

/** The billing basis as a CSV file for Swedish Excel (BI4–BI7). */
export function billingCsv(rows: readonly BillingRow[]): string {
	return csvDocument(
		BILLING_CSV_HEADER,
		rows.map((r): CsvCell[] => [
			r.clientName,
			r.teamName,
			r.decisionId,
			r.validFrom,
			r.validTo,
			PERIOD_WORD[r.framePeriod],
			r.frameMinutes,
			r.coveredDays,
			r.grantedMinutes,
			hoursOf(r.grantedMinutes),
			r.usedMinutes,
			hoursOf(r.usedMinutes),
			r.declinedVisits,
			r.declinedServices,
			r.overdrawnEntries
		])
	);
}

export interface BillingExport {
	filename: string;
	contentType: string;
	body: string;
}

/**
 * The basis of `month` for the unit as a file, written to the access log as an export of every
 * client in it (DESIGN.md §7).
 */
export async function exportBillingBasis(
	db: Db,
	user: SessionUser,
	unit: { id: string; name: string },
	month: string,
	format: 'csv' | 'json',
	device: string,
	now = new Date()
): Promise<BillingExport> {
	const rows = await billingBasis(db, unit.id, month);
	await audit(db, user, {
		action: 'export',
		clientIds: [...new Set(rows.map((r) => r.clientId))],
		device,
		unitId: unit.id,
		detail: { what: 'billing-basis', month, format, unitId: unit.id }
	});
	const filename = `debiteringsunderlag-${fileSlug(unit.name)}-${month}.${format}`;
	if (format === 'csv') {
		return { filename, contentType: 'text/csv; charset=utf-8', body: billingCsv(rows) };
	}
	return {
		filename,
		contentType: 'application/json; charset=utf-8',
		body: JSON.stringify({
			unit: { id: unit.id, name: unit.name },
			month,
			generatedAt: now.toISOString(),
			rows
		})
	};
}

/** A unit name as a file name part: lower case ASCII letters, digits and dashes. */
export function fileSlug(name: string): string {
	const slug = name
		.toLowerCase()
		.replace(/[åä]/g, 'a')
		.replace(/ö/g, 'o')
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return slug || 'enhet';
}
