import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOM, csvCell, csvDocument, decimalComma, type CsvCell } from './csv';

/** Reads a file written by csvDocument back into rows of text (RFC 4180 with `;`). */
function parse(file: string): string[][] {
	expect(file.startsWith(BOM)).toBe(true);
	const text = file.slice(1);
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let i = 0;
	let quoted = false;
	while (i < text.length) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				cell += '"';
				i += 2;
			} else if (c === '"') {
				quoted = false;
				i++;
			} else {
				cell += c;
				i++;
			}
		} else if (c === '"') {
			quoted = true;
			i++;
		} else if (c === ';') {
			row.push(cell);
			cell = '';
			i++;
		} else if (c === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i += 2;
		} else {
			cell += c;
			i++;
		}
	}
	expect(cell).toBe('');
	expect(row).toEqual([]);
	return rows;
}

describe('numbers', () => {
	it('[BI6] writes a decimal comma and no thousands separator', () => {
		expect(decimalComma(1.5)).toBe('1,5');
		expect(decimalComma(90)).toBe('90');
		expect(decimalComma(12345.25)).toBe('12345,25');
		expect(decimalComma(-0.5)).toBe('-0,5');
		expect(decimalComma(Number.NaN)).toBe('');
		expect(csvCell(1.5)).toBe('1,5');
	});

	it('[BI6] a number is never neutralised as a formula', () => {
		expect(csvCell(-15)).toBe('-15');
		expect(csvCell('-15')).toBe("'-15");
	});
});

describe('cells', () => {
	it('[BI5] quotes separators, quotes and line breaks', () => {
		expect(csvCell('Eva; Ek')).toBe('"Eva; Ek"');
		expect(csvCell('sa "hej"')).toBe('"sa ""hej"""');
		expect(csvCell('rad1\nrad2')).toBe('"rad1\nrad2"');
		expect(csvCell('Åsa Öberg')).toBe('Åsa Öberg');
		expect(csvCell('')).toBe('');
		expect(csvCell(null)).toBe('');
		expect(csvCell(undefined)).toBe('');
	});

	it('[BI7] neutralises text a spreadsheet would run as a formula', () => {
		expect(csvCell('=1+1')).toBe("'=1+1");
		expect(csvCell('+46 70')).toBe("'+46 70");
		expect(csvCell('-x')).toBe("'-x");
		expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvCell('\tx')).toBe("'\tx");
		expect(csvCell('\rx')).toBe('"\'\rx"');
		expect(csvCell('=HYPERLINK("x";"y")')).toBe('"\'=HYPERLINK(""x"";""y"")"');
		expect(csvCell('a=b')).toBe('a=b');
	});
});

describe('documents', () => {
	it('[BI5] BOM, header, CRLF after every line', () => {
		expect(
			csvDocument(
				['klient', 'timmar'],
				[
					['Åsa', 1.5],
					['Bo', null]
				]
			)
		).toBe('\uFEFFklient;timmar\r\nÅsa;1,5\r\nBo;\r\n');
		expect(csvDocument(['a'], [])).toBe('\uFEFFa\r\n');
	});

	it('[BI5][BI7] parses back to what was written, formulas prefixed with a quote', () => {
		const cell: fc.Arbitrary<CsvCell> = fc.oneof(
			fc.string({
				unit: fc.constantFrom('a', 'Ö', ';', '"', '\n', '\r', '=', '-', '+', '@', '\t', ' ', '1')
			}),
			fc.integer({ min: -100000, max: 100000 }),
			fc.constant(null)
		);
		fc.assert(
			fc.property(
				fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 6 }),
				(rows) => {
					const file = csvDocument(['a', 'b', 'c'], rows);
					const back = parse(file);
					expect(back[0]).toEqual(['a', 'b', 'c']);
					expect(back.slice(1)).toEqual(
						rows.map((r) =>
							r.map((v) =>
								v === null || v === undefined
									? ''
									: typeof v === 'number'
										? String(v)
										: /^[=+\-@\t\r]/.test(v)
											? `'${v}`
											: v
							)
						)
					);
				}
			)
		);
	});
});
