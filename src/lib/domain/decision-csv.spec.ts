import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	DECISION_CSV_COLUMNS,
	MAX_CSV_BYTES,
	MAX_CSV_ROWS,
	decisionCsvLine,
	parseDecisionCsv,
	planDecisionImport,
	utf8Length,
	type ImportContext
} from './decision-csv';
import type { DecisionFields } from './decisions';

const HEADER = DECISION_CSV_COLUMNS.join(';');

const GRETA = '11111111-1111-4111-8111-111111111111';
const HARALD = '22222222-2222-4222-8222-222222222222';
const OLLE = '33333333-3333-4333-8333-333333333333';
const GONE = '44444444-4444-4444-8444-444444444444';
const TWIN_A = '55555555-5555-4555-8555-555555555555';
const TWIN_B = '66666666-6666-4666-8666-666666666666';

const gretaNow: DecisionFields = {
	validFrom: '2026-01-01',
	validTo: null,
	frameMinutes: 180,
	framePeriod: 'week',
	services: ['insulin', 'meals']
};

const ctx: ImportContext = {
	teams: [
		{ id: 'team-bjorken', name: 'Björken' },
		{ id: 'team-eken', name: 'Eken' }
	],
	clients: [
		{ id: GRETA, name: 'Greta Nyström', teamId: 'team-bjorken', active: true },
		{ id: HARALD, name: 'Harald Viklund', teamId: 'team-bjorken', active: true },
		{ id: OLLE, name: 'Olle Dahl', teamId: 'team-eken', active: true },
		{ id: GONE, name: 'Gustav Borta', teamId: 'team-eken', active: false },
		{ id: TWIN_A, name: 'Karin Lund', teamId: 'team-bjorken', active: true },
		{ id: TWIN_B, name: 'Karin Lund', teamId: 'team-eken', active: true }
	],
	inForce: [{ id: 'greta-1', clientId: GRETA, fields: gretaNow }],
	services: new Set(['insulin', 'meals', 'cleaning', 'walk'])
};

const plan = (text: string) => {
	const parsed = parseDecisionCsv(text);
	const planned = planDecisionImport(parsed.rows, ctx);
	return { parsed, ...planned, problems: [...parsed.problems, ...planned.problems] };
};

const where = (p: { row: number; column: string | null; code: string }) =>
	`${p.row}:${p.column ?? '-'}:${p.code}`;

describe('reading a decision file', () => {
	it('[I1] reads `;` files with a byte-order mark and CRLF line ends, skipping blank lines', () => {
		const text =
			'\uFEFF' +
			HEADER +
			'\r\nGreta Nyström;Björken;2026-01-01;;180;vecka;insulin|meals\r\n\r\n' +
			'Harald Viklund;Björken;2026-06-01;2026-11-25;600;månad;cleaning|walk\r\n';
		const { separator, rows, problems } = parseDecisionCsv(text);
		expect(separator).toBe(';');
		expect(problems).toEqual([]);
		expect(rows.map((r) => [r.row, r.values.klient, r.values.giltig_till])).toEqual([
			[2, 'Greta Nyström', ''],
			[4, 'Harald Viklund', '2026-11-25']
		]);
	});

	it('[I1] detects `,` from the header, takes columns in any order and quoted fields', () => {
		const text =
			'period,klient,team,giltig_fran,giltig_till,ramtid_minuter,insatser\n' +
			'week,"Nyström, Greta ""Gittan""",Björken,2026-01-01,,180,meals\n';
		const { separator, rows, problems } = parseDecisionCsv(text);
		expect(separator).toBe(',');
		expect(problems).toEqual([]);
		expect(rows[0].values).toMatchObject({
			klient: 'Nyström, Greta "Gittan"',
			period: 'week',
			ramtid_minuter: '180'
		});
	});

	it('[I1] names missing, unknown and doubled columns on line 1', () => {
		const { problems } = parseDecisionCsv('klient;team;team;giltig_fran;ramtid;period;farg\n');
		expect(problems.map(where)).toEqual([
			'1:team:duplicate-column',
			'1:-:unknown-column',
			'1:giltig_till:missing-column',
			'1:insatser:missing-column'
		]);
	});

	it('[I1] refuses an empty file, an unclosed quote and rows with the wrong number of fields', () => {
		expect(parseDecisionCsv('').problems.map(where)).toEqual(['1:-:empty-file']);
		expect(parseDecisionCsv('\uFEFF \n\n').problems.map(where)).toEqual(['1:-:empty-file']);
		const text = `${HEADER}\nGreta;Björken;2026-01-01\n"Olle;Eken;2026-01-01;;60;vecka;meals\n`;
		expect(parseDecisionCsv(text).problems.map(where)).toEqual(['3:-:unclosed-quote']);
		const short = `${HEADER}\nGreta;Björken;2026-01-01\n`;
		expect(parseDecisionCsv(short).problems.map(where)).toEqual(['2:-:field-count']);
	});

	it('[I2] refuses a file larger than the limit, and more rows than the limit', () => {
		expect(utf8Length('åäö€😀a')).toBe(2 + 2 + 2 + 3 + 4 + 1);
		const big = HEADER + '\n' + 'x'.repeat(MAX_CSV_BYTES);
		expect(parseDecisionCsv(big).problems.map(where)).toEqual(['1:-:too-large']);
		const line = 'Olle Dahl;Eken;2026-01-01;;60;vecka;meals\n';
		const many = HEADER + '\n' + line.repeat(MAX_CSV_ROWS + 1);
		expect(parseDecisionCsv(many).problems.map(where)).toEqual([
			`${MAX_CSV_ROWS + 2}:-:too-many-rows`
		]);
		expect(parseDecisionCsv(HEADER + '\n' + line.repeat(MAX_CSV_ROWS)).rows).toHaveLength(
			MAX_CSV_ROWS
		);
	});

	it('[I1] [I2] never throws: any text gives rows and problems', () => {
		const csvish = fc.stringMatching(/^[a-zåäö0-9;,"|\r\n\uFEFF -]*$/);
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), csvish), (text) => {
				const parsed = parseDecisionCsv(text);
				const planned = planDecisionImport(parsed.rows, ctx);
				expect(Array.isArray(parsed.problems) && Array.isArray(planned.problems)).toBe(true);
			}),
			{ numRuns: 200 }
		);
		fc.assert(
			fc.property(
				fc.array(fc.array(fc.string(), { minLength: 7, maxLength: 7 }), { maxLength: 20 }),
				(cells) => {
					const text = [HEADER, ...cells.map((c) => c.join(';'))].join('\n');
					const parsed = parseDecisionCsv(text);
					const planned = planDecisionImport(parsed.rows, ctx);
					// Every row either becomes a change or has at least one problem.
					for (const row of parsed.rows) {
						const ok = planned.items.some((i) => i.row === row.row);
						const bad = planned.problems.some((p) => p.row === row.row);
						expect(ok || bad).toBe(true);
					}
				}
			),
			{ numRuns: 150 }
		);
	});

	it('[I1] an exported line reads back as the same decision', () => {
		const name = fc.string({ minLength: 1 }).filter((s) => s.trim() === s && s.trim() !== '');
		fc.assert(
			fc.property(name, fc.constantFrom(';' as const, ',' as const), (client, separator) => {
				const header = DECISION_CSV_COLUMNS.join(separator);
				const line = decisionCsvLine({ client, team: 'Björken', fields: gretaNow }, separator);
				const { rows, problems } = parseDecisionCsv(`${header}\n${line}\n`);
				expect(problems).toEqual([]);
				expect(rows[0].values.klient).toBe(client.replace(/\r\n|\r/g, '\n').trim());
			})
		);
	});
});

describe('planning an import', () => {
	it('[I4] says for every row what it would do: new, a new version replacing one, unchanged', () => {
		const { items, problems } = plan(
			[
				HEADER,
				'Greta Nyström;Björken;2026-01-01;;180;vecka;meals|insulin',
				'Greta Nyström;Björken;2025-01-01;2025-12-31;120;vecka;meals',
				`${OLLE};;2026-01-01;;60;week;walk`
			].join('\n')
		);
		expect(problems).toEqual([]);
		expect(items.map((i) => [i.row, i.kind, i.clientId, i.replaces?.id ?? null])).toEqual([
			[2, 'unchanged', GRETA, 'greta-1'],
			[3, 'new', GRETA, null],
			[4, 'new', OLLE, null]
		]);
		const changed = plan(`${HEADER}\nGRETA  nyström;björken;2026-01-01;;240;Vecka;meals|insulin`);
		expect(changed.problems).toEqual([]);
		expect(changed.items[0]).toMatchObject({
			kind: 'replace',
			replaces: { id: 'greta-1' },
			fields: { frameMinutes: 240 }
		});
	});

	it('[I3] lists every problem of a row with its column, in Swedish column names', () => {
		const { items, problems } = plan(
			[
				HEADER,
				'Okänd Person;Björken;2026-01-01;;60;vecka;meals',
				'Olle Dahl;Lönnen;2026-01-01;;60;vecka;meals',
				'Olle Dahl;Eken;2026-13-01;2025-01-01;62;år;meals|juggling',
				';;;;;;',
				'Karin Lund;;2026-01-01;;60;vecka;meals',
				'Gustav Borta;Eken;2026-01-01;;60;vecka;meals',
				`${OLLE};Björken;2026-01-01;;60;vecka;meals`
			].join('\n')
		);
		expect(items).toEqual([]);
		expect(problems.map(where)).toEqual([
			'2:klient:unknown-client',
			'3:team:unknown-team',
			'4:giltig_fran:invalid-date',
			'4:period:invalid-period',
			'4:ramtid_minuter:frame-not-step',
			'4:insatser:unknown-service',
			'6:klient:ambiguous-client',
			'7:klient:inactive-client',
			'8:team:team-mismatch'
		]);
		expect(problems.find((p) => p.code === 'unknown-service')?.service).toBe('juggling');
	});

	it('[I3] a blank row is skipped; a row of empty fields says each required value is missing', () => {
		const { problems } = plan(`${HEADER}\n ; ;;;;;\n;;;;;;x`);
		expect(problems.map(where)).toEqual([
			'3:klient:missing-value',
			'3:giltig_fran:missing-value',
			'3:ramtid_minuter:missing-value',
			'3:period:missing-value',
			'3:insatser:unknown-service'
		]);
	});

	it('[I5] [D4] refuses overlaps with versions in force and between rows of the file', () => {
		const { problems } = plan(
			[
				HEADER,
				'Greta Nyström;Björken;2025-06-01;2026-01-01;120;vecka;meals',
				'Olle Dahl;Eken;2026-01-01;2026-06-30;60;vecka;meals',
				'Olle Dahl;Eken;2026-06-30;;60;vecka;meals',
				'Olle Dahl;Eken;2026-01-01;;60;vecka;meals'
			].join('\n')
		);
		expect(problems.map((p) => `${where(p)}:${p.otherRow ?? p.other?.validFrom}`)).toEqual([
			'2:giltig_fran:overlap:2026-01-01',
			'4:giltig_fran:overlap:3',
			'5:giltig_fran:duplicate-row:3'
		]);
	});

	it('[I5] [D4] a row that ends the version in force early makes room for a new one', () => {
		const { items, problems } = plan(
			[
				HEADER,
				'Greta Nyström;Björken;2026-01-01;2026-06-30;180;vecka;meals|insulin',
				'Greta Nyström;Björken;2026-07-01;;240;vecka;meals|insulin'
			].join('\n')
		);
		expect(problems).toEqual([]);
		expect(items.map((i) => i.kind)).toEqual(['replace', 'new']);
	});
});
