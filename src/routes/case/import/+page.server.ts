import { fail } from '@sveltejs/kit';
import { MAX_CSV_BYTES, utf8Length } from '$lib/domain/decision-csv';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { CASE_ROLES } from '$lib/server/services/case-clients';
import {
	dryRunDecisionImport,
	importDecisions,
	type ImportOutcome
} from '$lib/server/services/decision-import';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireRole(event, CASE_ROLES);
	return {};
};

/** What the page shows of an outcome: every change and every problem. */
function view(outcome: ImportOutcome) {
	return {
		rows: outcome.rows,
		written: outcome.written,
		problems: outcome.problems,
		items: outcome.items.map((i) => ({
			row: i.row,
			clientName: i.clientName,
			kind: i.kind,
			replaces: i.replaces
				? { validFrom: i.replaces.fields.validFrom, validTo: i.replaces.fields.validTo }
				: null,
			fields: i.fields
		}))
	};
}

const fileProblem = (code: 'no-file' | 'too-large' | 'not-utf8') =>
	fail(400, { problems: [{ row: 1, column: null, code }], csv: null, result: null });

export const actions: Actions = {
	/** The dry run: reads the uploaded file and says what it would do; writes nothing. */
	check: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const form = await event.request.formData();
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0) return fileProblem('no-file');
		if (file.size > MAX_CSV_BYTES) return fileProblem('too-large');
		let text: string;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
		} catch {
			return fileProblem('not-utf8');
		}
		const { db } = await getApp();
		const outcome = await dryRunDecisionImport(db, user, text);
		return { result: view(outcome), csv: outcome.problems.length === 0 ? text : null };
	},

	/** The import: checks the same text again and writes it all in one transaction, or nothing. */
	import: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const form = await event.request.formData();
		const csv = form.get('csv');
		if (typeof csv !== 'string' || csv === '') return fileProblem('no-file');
		if (utf8Length(csv) > MAX_CSV_BYTES * 1.1) return fileProblem('too-large');
		const { db } = await getApp();
		const outcome = await importDecisions(
			db,
			user,
			csv,
			event.request.headers.get('user-agent') ?? ''
		);
		if (!outcome.written) return fail(400, { result: view(outcome), csv: null, problems: [] });
		return { result: view(outcome), csv: null };
	}
};
