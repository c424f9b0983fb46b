/**
 * Sample checks of the access log (stickprov, HSLF-FS 2016:40 4 kap. 3 §) and the log search:
 * which periods and sizes a manager may ask for. Rules AS1–AS3 in SPEC.md.
 */
import { addDays, compareDates, daysBetween, isValidIsoDate } from './periods';
import type { IsoDate } from './types';

export const SAMPLE_MIN_READS = 1;
export const SAMPLE_MAX_READS = 50;
export const SAMPLE_DEFAULT_READS = 10;
/** A period spans at most this many calendar days (a leap year). */
export const MAX_PERIOD_DAYS = 366;
/** The log search and a new sample look at the last 30 days unless asked otherwise. */
export const DEFAULT_PERIOD_DAYS = 30;

export const JUDGEMENTS = ['justified', 'question'] as const;
export type Judgement = (typeof JUDGEMENTS)[number];

export type PeriodError = 'invalid-from' | 'invalid-to' | 'from-after-to' | 'period-too-long';
export type SampleError = PeriodError | 'invalid-count';

/** The last 30 days up to and including `today` (AS1). */
export function defaultPeriod(today: IsoDate): { from: IsoDate; to: IsoDate } {
	return { from: addDays(today, -(DEFAULT_PERIOD_DAYS - 1)), to: today };
}

/**
 * A period of calendar days `from..to` (AS1): both real dates, `from ≤ to`, at most 366 days
 * counting both ends. Errors per field; an empty object when the period is fine.
 */
export function checkPeriod(from: string, to: string): Partial<Record<'from' | 'to', PeriodError>> {
	const errors: Partial<Record<'from' | 'to', PeriodError>> = {};
	if (!isValidIsoDate(from)) errors.from = 'invalid-from';
	if (!isValidIsoDate(to)) errors.to = 'invalid-to';
	if (errors.from || errors.to) return errors;
	if (compareDates(from, to) > 0) errors.to = 'from-after-to';
	else if (daysBetween(from, to) + 1 > MAX_PERIOD_DAYS) errors.to = 'period-too-long';
	return errors;
}

/** A request to draw a sample (AS2): a period (AS1) and a whole number of reads, 1–50. */
export function checkSampleRequest(input: {
	from: string;
	to: string;
	count: string | number;
}): Partial<Record<'from' | 'to' | 'count', SampleError>> {
	const errors: Partial<Record<'from' | 'to' | 'count', SampleError>> = checkPeriod(
		input.from,
		input.to
	);
	const text = String(input.count).trim();
	const count = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
	if (!(count >= SAMPLE_MIN_READS && count <= SAMPLE_MAX_READS)) errors.count = 'invalid-count';
	return errors;
}
