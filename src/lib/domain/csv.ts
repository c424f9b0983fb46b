/**
 * CSV for Swedish Excel (rules BI5–BI7 in SPEC.md): `;` between fields, decimal comma, UTF-8
 * with a byte-order mark (without one Excel reads the file as Windows-1252 and breaks å, ä, ö),
 * CRLF line ends. A cell that a spreadsheet would read as a formula is neutralised, because an
 * export may carry text somebody else typed (a client's name).
 */

/** A cell: text as it is, a number (decimal comma), null or undefined for an empty cell. */
export type CsvCell = string | number | null | undefined;

export const CSV_SEPARATOR = ';';
export const CSV_LINE_END = '\r\n';
export const BOM = '\uFEFF';

/** First characters that make Excel or LibreOffice evaluate a cell (BI7). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A number with a decimal comma and no thousands separator (BI6): `1.5` → `1,5`, `-2` → `-2`.
 * Non-finite numbers are written as an empty cell.
 */
export function decimalComma(value: number): string {
	if (!Number.isFinite(value)) return '';
	return String(value).replace('.', ',');
}

/**
 * One cell as written in the file (BI5, BI7). Text starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'`; numbers are never neutralised (a negative number stays a
 * number). Then a cell holding `;`, `"`, CR or LF is quoted, with `"` doubled.
 */
export function csvCell(value: CsvCell): string {
	if (value === null || value === undefined) return '';
	let text: string;
	if (typeof value === 'number') text = decimalComma(value);
	else text = FORMULA_START.test(value) ? `'${value}` : value;
	return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, without its line end. */
export function csvLine(cells: readonly CsvCell[]): string {
	return cells.map(csvCell).join(CSV_SEPARATOR);
}

/** The whole file: BOM, a header line, the rows, every line ended by CRLF (BI5). */
export function csvDocument(
	header: readonly string[],
	rows: readonly (readonly CsvCell[])[]
): string {
	return BOM + [header, ...rows].map((cells) => csvLine(cells) + CSV_LINE_END).join('');
}
