/**
 * Fractional ranks: the order of visits within a board column (rules R1–R3 in SPEC.md).
 *
 * Moving a visit rewrites only that visit's `rank`, never its neighbours', so two people
 * reordering the same column at once both keep their move. A rank is a base-62 fraction
 * 0.d₁d₂…dₙ written with the digits `0-9A-Za-z` — characters that sort by code unit in digit
 * order, so plain string comparison (`<`, never `localeCompare`) orders ranks. A rank never
 * ends in `0`, which makes every value's spelling unique and leaves room below every rank.
 */

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;
const MIDDLE = Math.floor(BASE / 2);
const RANK_PATTERN = /^[0-9A-Za-z]*[1-9A-Za-z]$/;

/** True for a well-formed rank: base-62 digits, not empty, not ending in `0`. */
export function isValidRank(value: unknown): value is string {
	return typeof value === 'string' && RANK_PATTERN.test(value);
}

function toDigits(rank: string): number[] {
	return Array.from(rank, (c) => DIGITS.indexOf(c));
}

function toRank(digits: readonly number[]): string {
	return digits.map((d) => DIGITS[d]).join('');
}

/** A rank above `a` (or above 0 for an empty `a`), as short as possible: appending stays short. */
function above(a: readonly number[]): number[] {
	const i = a.findIndex((d) => d < BASE - 1);
	return i === -1 ? [...a, MIDDLE] : [...a.slice(0, i), a[i] + 1];
}

/** A rank below `b` and above 0, as short as possible: prepending stays short. */
function below(b: readonly number[]): number[] {
	const i = b.findIndex((d) => d > 0);
	const zeros = b.slice(0, i);
	if (b[i] >= 2) return [...zeros, b[i] - 1];
	// b[i] is 1: a proper prefix of b is smaller; when there is none, go one digit deeper.
	return i < b.length - 1 ? [...zeros, 1] : [...zeros, 0, MIDDLE];
}

/** A rank strictly between `a` and `b` (a < b), with `a` possibly empty (meaning 0). */
function between(a: readonly number[], b: readonly number[]): number[] {
	let n = 0;
	while ((a[n] ?? 0) === b[n]) n++;
	const prefix = b.slice(0, n);
	const low = a[n] ?? 0;
	const high = b[n];
	if (high - low >= 2) return [...prefix, Math.floor((low + high) / 2)];
	if (b.length > n + 1) return [...prefix, high];
	return [...prefix, low, ...above(a.slice(n + 1))];
}

/**
 * A rank that sorts strictly between `a` and `b`; `null` stands for the start or the end of the
 * column (R1). Insertion can go on indefinitely at any place; ranks grow by about one
 * character per five inserts at the same spot and per thirty appends at either end. Throws on
 * a malformed rank or when `a` does not sort before `b` (e.g. two visits that got equal ranks
 * from concurrent inserts: give one of them a new rank first).
 */
export function rankBetween(a: string | null, b: string | null): string {
	for (const rank of [a, b]) {
		if (rank !== null && !isValidRank(rank)) throw new RangeError(`not a rank: ${String(rank)}`);
	}
	if (a !== null && b !== null && !(a < b)) {
		throw new RangeError(`rank ${a} does not sort before ${b}`);
	}
	if (b === null) return toRank(above(a === null ? [] : toDigits(a)));
	if (a === null) return toRank(below(toDigits(b)));
	return toRank(between(toDigits(a), toDigits(b)));
}

/**
 * `count` ranks in ascending order strictly between `a` and `b`, spread evenly so that later
 * inserts among them stay short: for a new column or a re-rank of a whole column.
 */
export function ranksBetween(a: string | null, b: string | null, count: number): string[] {
	if (count <= 0) return [];
	const middle = rankBetween(a, b);
	const leftCount = Math.floor((count - 1) / 2);
	return [
		...ranksBetween(a, middle, leftCount),
		middle,
		...ranksBetween(middle, b, count - 1 - leftCount)
	];
}

/** Column order (R2): by rank, then by id, so equal ranks from concurrent inserts still sort the same on every device. */
export function compareByRank(
	x: { rank: string; id: string },
	y: { rank: string; id: string }
): number {
	if (x.rank !== y.rank) return x.rank < y.rank ? -1 : 1;
	return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}
