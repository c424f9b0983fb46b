/**
 * Decisions as a CSV file (SPEC.md I1–I6): the columns a case officer imports, and the same
 * columns a decision export writes, so an exported file imports again as "unchanged". Parsing
 * and planning are pure and total: any text gives rows and problems, never an exception, and
 * a file is imported only when it has no problem at all.
 */
import {
	checkDecisionDraft,
	rangesOverlap,
	sameDecision,
	type DecisionErrorCode,
	type DecisionField,
	type DecisionFields,
	type DecisionRange
} from './decisions';
import type { FramePeriod } from './types';

/** The columns, in the order an export writes them (I1). */
export const DECISION_CSV_COLUMNS = [
	'klient',
	'team',
	'giltig_fran',
	'giltig_till',
	'ramtid_minuter',
	'period',
	'insatser'
] as const;
export type CsvColumn = (typeof DECISION_CSV_COLUMNS)[number];

/** Columns that must hold a value on every row; the others may be empty (I3). */
const REQUIRED: ReadonlySet<CsvColumn> = new Set([
	'klient',
	'giltig_fran',
	'ramtid_minuter',
	'period',
	'insatser'
]);

/** Header spellings accepted besides the column names themselves. */
const COLUMN_ALIASES: Record<string, CsvColumn> = {
	giltig_från: 'giltig_fran',
	ramtid: 'ramtid_minuter'
};

/** Period words accepted in the `period` column, Swedish and English (I3). */
const PERIOD_WORDS: Record<string, FramePeriod> = {
	vecka: 'week',
	week: 'week',
	månad: 'month',
	manad: 'month',
	month: 'month'
};

/** The words an export writes. */
export const PERIOD_WORD: Record<FramePeriod, string> = { week: 'vecka', month: 'månad' };

/** Separator of the services in the `insatser` column. */
export const SERVICE_SEPARATOR = '|';

/** Limits (I2): the file's size in bytes (UTF-8) and its number of decision rows. */
export const MAX_CSV_BYTES = 400 * 1024;
export const MAX_CSV_ROWS = 5000;

export type CsvProblemCode =
	| 'empty-file'
	| 'too-large'
	| 'too-many-rows'
	| 'unclosed-quote'
	| 'missing-column'
	| 'unknown-column'
	| 'duplicate-column'
	| 'field-count'
	| 'missing-value'
	| 'unknown-team'
	| 'unknown-client'
	| 'ambiguous-client'
	| 'team-mismatch'
	| 'inactive-client'
	| 'duplicate-row'
	| DecisionErrorCode;

/** One problem, where a spreadsheet user finds it: line of the file (the header is 1) and column. */
export interface CsvProblem {
	row: number;
	column: CsvColumn | null;
	code: CsvProblemCode;
	/** The text found (an unknown column, team or client; the row's field count). */
	value?: string;
	/** An unknown service code. */
	service?: string;
	/** The decision in force a row overlaps. */
	other?: DecisionRange;
	/** The earlier line of the file that a row duplicates or overlaps. */
	otherRow?: number;
}

export interface CsvRow {
	/** Line of the file where the row starts (the header is line 1). */
	row: number;
	values: Record<CsvColumn, string>;
}

export interface ParsedCsv {
	separator: ';' | ',';
	rows: CsvRow[];
	problems: CsvProblem[];
}

/** Bytes of `text` as UTF-8, without encoding it. */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) bytes += 1;
		else if (c < 0x800) bytes += 2;
		else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				bytes += 4;
				i++;
			} else bytes += 3;
		} else bytes += 3;
	}
	return bytes;
}

interface RawRecord {
	line: number;
	fields: string[];
}

/**
 * Splits text into records of fields (RFC 4180: a field in double quotes may hold the
 * separator, line breaks and doubled quotes). Line breaks are \n, \r\n or \r.
 */
function splitRecords(
	text: string,
	separator: string
): { records: RawRecord[]; unclosedAt: number | null } {
	const records: RawRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let quoted = false;
	let line = 1;
	let recordLine = 1;
	let quoteLine = 0;
	let i = 0;
	const endRecord = () => {
		fields.push(field);
		records.push({ line: recordLine, fields });
		fields = [];
		field = '';
	};
	while (i < text.length) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i += 2;
					continue;
				}
				quoted = false;
				i++;
				continue;
			}
			if (ch === '\r' || ch === '\n') {
				if (ch === '\r' && text[i + 1] === '\n') i++;
				line++;
				field += '\n';
				i++;
				continue;
			}
			field += ch;
			i++;
			continue;
		}
		if (ch === '"' && field.trim() === '') {
			quoted = true;
			quoteLine = line;
			field = '';
			i++;
			continue;
		}
		if (ch === separator) {
			fields.push(field);
			field = '';
			i++;
			continue;
		}
		if (ch === '\r' || ch === '\n') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			endRecord();
			line++;
			recordLine = line;
			i++;
			continue;
		}
		field += ch;
		i++;
	}
	if (quoted) return { records, unclosedAt: quoteLine };
	if (field !== '' || fields.length > 0) endRecord();
	return { records, unclosedAt: null };
}

function headerName(text: string): string {
	return text.trim().toLowerCase();
}

/**
 * Reads a decision file (I1, I2): UTF-8 text with or without a byte-order mark, separator `;`
 * or `,` as the header line uses, columns by name in any order. Blank lines are skipped. Never
 * throws; a file with problems gives them with their line and column.
 */
export function parseDecisionCsv(input: string): ParsedCsv {
	const text = typeof input === 'string' ? input : '';
	const problems: CsvProblem[] = [];
	if (utf8Length(text) > MAX_CSV_BYTES) {
		return {
			separator: ';',
			rows: [],
			problems: [{ row: 1, column: null, code: 'too-large', value: String(MAX_CSV_BYTES) }]
		};
	}
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const firstLine = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
	const count = (ch: string) => firstLine.split(ch).length - 1;
	const separator: ';' | ',' = count(';') >= count(',') ? ';' : ',';
	if (body.trim() === '') {
		return { separator, rows: [], problems: [{ row: 1, column: null, code: 'empty-file' }] };
	}

	const { records, unclosedAt } = splitRecords(body, separator);
	if (unclosedAt !== null) {
		problems.push({ row: unclosedAt, column: null, code: 'unclosed-quote' });
	}
	const nonBlank = records.filter((r) => r.fields.some((f) => f.trim() !== ''));
	const [header, ...data] = nonBlank;
	if (!header) {
		return { separator, rows: [], problems: [{ row: 1, column: null, code: 'empty-file' }] };
	}

	// Header: which field holds which column.
	const index = new Map<CsvColumn, number>();
	header.fields.forEach((raw, i) => {
		const name = headerName(raw);
		const column = (DECISION_CSV_COLUMNS as readonly string[]).includes(name)
			? (name as CsvColumn)
			: COLUMN_ALIASES[name];
		if (!column) {
			problems.push({ row: header.line, column: null, code: 'unknown-column', value: raw.trim() });
		} else if (index.has(column)) {
			problems.push({ row: header.line, column, code: 'duplicate-column' });
		} else index.set(column, i);
	});
	for (const column of DECISION_CSV_COLUMNS) {
		if (!index.has(column)) {
			problems.push({ row: header.line, column, code: 'missing-column' });
		}
	}
	if (problems.length > 0) return { separator, rows: [], problems };

	if (data.length > MAX_CSV_ROWS) {
		return {
			separator,
			rows: [],
			problems: [
				{
					row: data[MAX_CSV_ROWS].line,
					column: null,
					code: 'too-many-rows',
					value: String(MAX_CSV_ROWS)
				}
			]
		};
	}

	const rows: CsvRow[] = [];
	for (const record of data) {
		if (record.fields.length !== header.fields.length) {
			problems.push({
				row: record.line,
				column: null,
				code: 'field-count',
				value: `${record.fields.length}/${header.fields.length}`
			});
			continue;
		}
		const values = {} as Record<CsvColumn, string>;
		for (const column of DECISION_CSV_COLUMNS) {
			const i = index.get(column);
			values[column] = i === undefined ? '' : record.fields[i].trim();
		}
		rows.push({ row: record.line, values });
	}
	return { separator, rows, problems };
}

/** What the import knows about the organisation when it plans a file. */
export interface ImportContext {
	teams: readonly { id: string; name: string }[];
	clients: readonly { id: string; name: string; teamId: string; active: boolean }[];
	/** Every client's versions in force. */
	inForce: readonly { id: string; clientId: string; fields: DecisionFields }[];
	services: ReadonlySet<string>;
}

/** The change one row makes (I4). */
export interface ImportItem {
	row: number;
	clientId: string;
	clientName: string;
	teamId: string;
	kind: 'new' | 'replace' | 'unchanged';
	/** The version a `replace` (or `unchanged`) row matches. */
	replaces: { id: string; fields: DecisionFields } | null;
	fields: DecisionFields;
}

export interface ImportPlan {
	items: ImportItem[];
	problems: CsvProblem[];
}

const FIELD_COLUMN: Record<DecisionField, CsvColumn> = {
	validFrom: 'giltig_fran',
	validTo: 'giltig_till',
	frameMinutes: 'ramtid_minuter',
	framePeriod: 'period',
	services: 'insatser'
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nameKey = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv');

/**
 * Plans the import of parsed rows (I3–I6): finds each row's client, checks its decision with
 * D1–D3 and D5, matches it with the client's version in force of the same first day
 * (unchanged, or a new version replacing it) or makes it a new decision, and checks D4 over the
 * result of the whole file. Every problem is listed; never throws.
 */
export function planDecisionImport(rows: readonly CsvRow[], ctx: ImportContext): ImportPlan {
	const problems: CsvProblem[] = [];
	const items: ImportItem[] = [];
	const teamsById = new Map(ctx.teams.map((t) => [t.id.toLowerCase(), t]));
	const teamsByName = new Map<string, { id: string; name: string }[]>();
	for (const t of ctx.teams) {
		const key = nameKey(t.name);
		teamsByName.set(key, [...(teamsByName.get(key) ?? []), t]);
	}
	const clientsById = new Map(ctx.clients.map((c) => [c.id.toLowerCase(), c]));
	const clientsByName = new Map<string, ImportContext['clients'][number][]>();
	for (const c of ctx.clients) {
		const key = nameKey(c.name);
		clientsByName.set(key, [...(clientsByName.get(key) ?? []), c]);
	}
	const inForceOf = new Map<string, ImportContext['inForce'][number][]>();
	for (const d of ctx.inForce) {
		inForceOf.set(d.clientId, [...(inForceOf.get(d.clientId) ?? []), d]);
	}

	const seen = new Map<string, number>();
	for (const { row, values } of rows) {
		const before = problems.length;
		for (const column of REQUIRED) {
			if (values[column] === '') problems.push({ row, column, code: 'missing-value' });
		}

		// The team, when given.
		let teamId: string | null = null;
		if (values.team !== '') {
			const byId = teamsById.get(values.team.toLowerCase());
			const byName = teamsByName.get(nameKey(values.team)) ?? [];
			const found = byId ?? (byName.length === 1 ? byName[0] : undefined);
			if (!found) problems.push({ row, column: 'team', code: 'unknown-team', value: values.team });
			else teamId = found.id;
		}

		// The client, by id or by name (within the team when one is given).
		let person: ImportContext['clients'][number] | undefined;
		if (values.klient !== '') {
			const byId = UUID.test(values.klient)
				? clientsById.get(values.klient.toLowerCase())
				: undefined;
			if (byId) {
				person = byId;
				if (teamId && byId.teamId !== teamId) {
					problems.push({ row, column: 'team', code: 'team-mismatch', value: values.team });
				}
			} else if (values.team === '' || teamId) {
				const candidates = (clientsByName.get(nameKey(values.klient)) ?? []).filter(
					(c) => !teamId || c.teamId === teamId
				);
				if (candidates.length === 1) person = candidates[0];
				else
					problems.push({
						row,
						column: 'klient',
						code: candidates.length === 0 ? 'unknown-client' : 'ambiguous-client',
						value: values.klient
					});
			}
			if (person && !person.active) {
				problems.push({ row, column: 'klient', code: 'inactive-client', value: values.klient });
			}
		}

		const period = PERIOD_WORDS[values.period.trim().toLocaleLowerCase('sv')] ?? values.period;
		const check = checkDecisionDraft(
			{
				validFrom: values.giltig_fran,
				validTo: values.giltig_till,
				frameMinutes: values.ramtid_minuter,
				framePeriod: period,
				services: values.insatser.split(SERVICE_SEPARATOR)
			},
			ctx.services
		);
		if (!check.ok) {
			for (const e of check.errors) {
				const column = FIELD_COLUMN[e.field];
				// A missing value is already said once.
				if (values[column] === '' && REQUIRED.has(column)) continue;
				problems.push({ row, column, code: e.code, service: e.service });
			}
		}
		if (problems.length > before || !check.ok || !person) continue;

		const key = `${person.id}|${check.fields.validFrom}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			problems.push({ row, column: 'giltig_fran', code: 'duplicate-row', otherRow: earlier });
			continue;
		}
		seen.set(key, row);
		const match = (inForceOf.get(person.id) ?? []).find(
			(d) => d.fields.validFrom === check.fields.validFrom
		);
		items.push({
			row,
			clientId: person.id,
			clientName: person.name,
			teamId: person.teamId,
			kind: match ? (sameDecision(match.fields, check.fields) ? 'unchanged' : 'replace') : 'new',
			replaces: match ? { id: match.id, fields: match.fields } : null,
			fields: check.fields
		});
	}

	// D4 over the file's result: each client's versions in force after the import.
	const byClient = new Map<string, ImportItem[]>();
	for (const item of items)
		byClient.set(item.clientId, [...(byClient.get(item.clientId) ?? []), item]);
	for (const [clientId, clientItems] of byClient) {
		const replaced = new Set(clientItems.flatMap((i) => (i.replaces ? [i.replaces.id] : [])));
		const untouched = (inForceOf.get(clientId) ?? []).filter((d) => !replaced.has(d.id));
		clientItems.forEach((item, n) => {
			const existing = untouched.find((d) => rangesOverlap(item.fields, d.fields));
			if (existing) {
				problems.push({
					row: item.row,
					column: 'giltig_fran',
					code: 'overlap',
					other: { validFrom: existing.fields.validFrom, validTo: existing.fields.validTo }
				});
				return;
			}
			const earlierRow = clientItems.slice(0, n).find((o) => rangesOverlap(item.fields, o.fields));
			if (earlierRow) {
				problems.push({
					row: item.row,
					column: 'giltig_fran',
					code: 'overlap',
					otherRow: earlierRow.row,
					other: { validFrom: earlierRow.fields.validFrom, validTo: earlierRow.fields.validTo }
				});
			}
		});
	}
	problems.sort((a, b) => a.row - b.row);
	return { items, problems };
}

/** A decision as one line of the file (I1), the inverse of reading it. */
export function decisionCsvLine(
	values: { client: string; team: string; fields: DecisionFields },
	separator: ';' | ',' = ';'
): string {
	const quote = (s: string) =>
		s.includes(separator) || s.includes('"') || /[\r\n]/.test(s) || s !== s.trim()
			? `"${s.replace(/"/g, '""')}"`
			: s;
	return [
		values.client,
		values.team,
		values.fields.validFrom,
		values.fields.validTo ?? '',
		String(values.fields.frameMinutes),
		PERIOD_WORD[values.fields.framePeriod],
		values.fields.services.join(SERVICE_SEPARATOR)
	]
		.map(quote)
		.join(separator);
}
