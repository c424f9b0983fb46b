/** A token bucket: `capacity` at once, refilled at `perSecond`. */
export class TokenBucket {
	private tokens: number;
	private last: number;

	constructor(
		private readonly capacity: number,
		private readonly perSecond: number,
		private readonly now: () => number = () => performance.now()
	) {
		this.tokens = capacity;
		this.last = now();
	}

	/** Takes `n` tokens if there are that many; false means "over the limit". */
	take(n = 1): boolean {
		const t = this.now();
		this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
		this.last = t;
		if (this.tokens < n) return false;
		this.tokens -= n;
		return true;
	}
}
