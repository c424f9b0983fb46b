import { describe, expect, it, vi } from 'vitest';
import { within } from './within';

describe('a step bounded in time', () => {
	it('gives the step’s result when it ends in time', async () => {
		await expect(within(Promise.resolve(7), 1000, 0)).resolves.toBe(7);
	});

	it('gives the fallback when the step fails', async () => {
		await expect(within(Promise.reject(new Error('blocked')), 1000, 0)).resolves.toBe(0);
	});

	it('goes on with the fallback when the step never ends', async () => {
		vi.useFakeTimers();
		try {
			const result = within(new Promise<number>(() => {}), 3000, -1);
			await vi.advanceTimersByTimeAsync(2999);
			let settled = false;
			void result.then(() => (settled = true));
			await Promise.resolve();
			expect(settled).toBe(false);
			await vi.advanceTimersByTimeAsync(1);
			await expect(result).resolves.toBe(-1);
		} finally {
			vi.useRealTimers();
		}
	});
});
