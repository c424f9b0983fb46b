/** A bounded reservoir of timings (ms) for the benchmark and diagnostics: cheap to record. */
export class Samples {
	private values: number[] = [];
	private seen = 0;

	constructor(private readonly size = 10_000) {}

	add(value: number): void {
		this.seen++;
		if (this.values.length < this.size) this.values.push(value);
		else {
			const i = Math.floor(Math.random() * this.seen);
			if (i < this.size) this.values[i] = value;
		}
	}

	/** The p-th percentile (0–100) of what was recorded, NaN when nothing was. */
	percentile(p: number): number {
		if (this.values.length === 0) return NaN;
		const sorted = [...this.values].sort((a, b) => a - b);
		return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
	}

	reset(): void {
		this.values = [];
		this.seen = 0;
	}
}

/**
 * An error as a log line without data: database errors carry the statement's parameters,
 * which may name clients, so only the first line of the message (and its cause) is kept.
 */
export function describeError(error: unknown): string {
	const first = (e: unknown) =>
		e instanceof Error ? `${e.name}: ${e.message.split('\n')[0].slice(0, 200)}` : 'unknown error';
	const cause = error instanceof Error && error.cause ? ` (${first(error.cause)})` : '';
	return first(error).replace(/ params: .*$/, '') + cause;
}
