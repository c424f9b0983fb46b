import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, cleanup } from '@testing-library/svelte';
import FrameMeter from './FrameMeter.svelte';

afterEach(() => cleanup());

const row = (over: Partial<Record<string, number | string>> = {}) => ({
	clientId: 'c1',
	period: '2026-W48',
	frameMinutes: 600,
	usedMinutes: 120,
	plannedMinutes: 180,
	leftMinutes: 300,
	...over
});

describe('FrameMeter', () => {
	it('says how much is left of the frame, with every figure for screen readers', () => {
		render(FrameMeter, { row: row() });
		const meter = screen.getByRole('meter');
		expect(meter.getAttribute('aria-valuetext')).toBe(
			'Ramtid vecka 48: beviljat 10 h, använt 2 h, planerat 3 h, kvar 5 h'
		);
		expect(meter.textContent).toContain('5 h kvar');
		expect(meter.className).toContain('level-ok');
	});

	it('turns amber when a fifth or less is left and red when nothing is left', () => {
		render(FrameMeter, { row: row({ usedMinutes: 300, plannedMinutes: 180 }) });
		expect(screen.getByRole('meter').className).toContain('level-low');
		cleanup();
		render(FrameMeter, { row: row({ usedMinutes: 420, plannedMinutes: 180 }) });
		expect(screen.getByRole('meter').className).toContain('level-out');
	});

	it('shows how far a frame is overdrawn by recorded time', () => {
		render(FrameMeter, { row: row({ period: '2026-11', usedMinutes: 650, plannedMinutes: 0 }) });
		const meter = screen.getByRole('meter');
		expect(meter.textContent).toContain('50 min över ramen');
		expect(meter.textContent).toContain('november');
	});
});
