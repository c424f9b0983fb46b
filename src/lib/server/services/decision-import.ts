/**
 * Importing decisions from a CSV file (SPEC.md I1–I6). A dry run plans the file and writes
 * nothing; an import plans it again inside one transaction, against the data as it is then,
 * and writes every new version only when no row has a problem — all or nothing. The planning
 * is the pure `planDecisionImport`; this module only reads the context and writes the result.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
	parseDecisionCsv,
	planDecisionImport,
	type CsvProblem,
	type ImportItem
} from '$lib/domain/decision-csv';
import type { DecisionFields } from '$lib/domain/decisions';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import type { Db } from '../db/client';
import { client, decision, decisionService, team } from '../db/schema';
import { notifyBoardDataChanged } from '../realtime/invalidate';
import { listServices } from './catalogue';
import { decisionInForce } from './decision-versions';

export interface ImportOutcome {
	/** Every row's change, in file order (only rows without problems). */
	items: ImportItem[];
	problems: CsvProblem[];
	/** Rows parsed from the file. */
	rows: number;
	/** True when the changes were written (an import of a file without problems). */
	written: boolean;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function plan(db: Db | Tx, user: SessionUser, text: string) {
	const parsed = parseDecisionCsv(text);
	if (parsed.problems.length > 0) {
		return { rows: parsed.rows.length, items: [], problems: parsed.problems };
	}
	if (parsed.rows.length === 0) {
		const empty: CsvProblem = { row: 1, column: null, code: 'empty-file' };
		return { rows: 0, items: [], problems: [empty] };
	}
	const org = user.organisationId;
	const [teams, clients, services, versions] = await Promise.all([
		db.select({ id: team.id, name: team.name }).from(team).where(eq(team.organisationId, org)),
		db
			.select({ id: client.id, name: client.name, teamId: client.teamId, active: client.active })
			.from(client)
			.where(eq(client.organisationId, org)),
		listServices(db, org),
		db
			.select()
			.from(decision)
			.where(and(eq(decision.organisationId, org), decisionInForce))
	]);
	const serviceRows =
		versions.length === 0
			? []
			: await db
					.select()
					.from(decisionService)
					.where(
						inArray(
							decisionService.decisionId,
							versions.map((v) => v.id)
						)
					);
	const servicesOf = new Map<string, string[]>();
	for (const s of serviceRows) {
		servicesOf.set(s.decisionId, [...(servicesOf.get(s.decisionId) ?? []), s.serviceCode]);
	}
	const inForce = versions.map((v) => ({
		id: v.id,
		clientId: v.clientId,
		fields: {
			validFrom: v.validFrom,
			validTo: v.validTo,
			frameMinutes: v.frameMinutes,
			framePeriod: v.framePeriod === 'month' ? 'month' : 'week',
			services: (servicesOf.get(v.id) ?? []).sort()
		} satisfies DecisionFields
	}));
	const planned = planDecisionImport(parsed.rows, {
		teams,
		clients,
		inForce,
		services: new Set(services.map((s) => s.code))
	});
	return { rows: parsed.rows.length, ...planned };
}

/** Plans the file and writes nothing. */
export async function dryRunDecisionImport(
	db: Db,
	user: SessionUser,
	text: string
): Promise<ImportOutcome> {
	const planned = await plan(db, user, text);
	return { ...planned, written: false };
}

/**
 * Plans the file again and, when it has no problem, writes every new version in one
 * transaction (all or nothing), then tells the affected teams' open boards.
 */
export async function importDecisions(
	db: Db,
	user: SessionUser,
	text: string,
	device: string
): Promise<ImportOutcome> {
	const outcome = await db.transaction(async (tx): Promise<ImportOutcome> => {
		// Serialise imports and decision changes of the organisation's clients.
		await tx
			.select({ id: client.id })
			.from(client)
			.where(eq(client.organisationId, user.organisationId))
			.for('update');
		const planned = await plan(tx, user, text);
		if (planned.problems.length > 0) return { ...planned, written: false };
		const writes = planned.items.filter((i) => i.kind !== 'unchanged');
		if (writes.length > 0) {
			const inserted = await tx
				.insert(decision)
				.values(
					writes.map((item) => ({
						organisationId: user.organisationId,
						clientId: item.clientId,
						validFrom: item.fields.validFrom,
						validTo: item.fields.validTo,
						frameMinutes: item.fields.frameMinutes,
						framePeriod: item.fields.framePeriod,
						decidedBy: user.id,
						replacesId: item.replaces?.id ?? null
					}))
				)
				.returning({ id: decision.id });
			await tx.insert(decisionService).values(
				writes.flatMap((item, i) =>
					item.fields.services.map((serviceCode) => ({
						decisionId: inserted[i].id,
						serviceCode
					}))
				)
			);
			await audit(tx, user, {
				action: 'change',
				clientIds: [...new Set(writes.map((w) => w.clientId))],
				device,
				detail: { what: 'decision', change: 'imported', versions: inserted.length }
			});
		}
		return { ...planned, written: true };
	});
	if (outcome.written) {
		const changedClients = new Map<string, string>();
		for (const item of outcome.items) {
			if (item.kind !== 'unchanged') changedClients.set(item.clientId, item.teamId);
		}
		for (const [clientId, teamId] of changedClients) {
			notifyBoardDataChanged({ teamId, change: { kind: 'decision-changed', clientId } });
		}
	}
	return outcome;
}
