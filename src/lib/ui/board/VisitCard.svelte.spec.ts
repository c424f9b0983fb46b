import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import type { BoardVisit } from '$lib/board';
import VisitCard from './VisitCard.svelte';

afterEach(() => cleanup());

const visit = (over: Partial<BoardVisit> = {}): BoardVisit => ({
	id: '7b0c1f5e-8a3d-4c55-9d0e-6f1a2b3c4d5e',
	clientId: 'c1',
	date: '2026-11-23',
	dayPart: 'morning',
	services: ['personal-care', 'insulin'],
	minutes: 30,
	assignees: ['anna'],
	status: 'planned',
	rank: 'a',
	note: '',
	...over
});

describe('VisitCard', () => {
	it('shows the client, short service labels (medical first) and a coarse estimate', () => {
		render(VisitCard, { visit: visit(), clientName: 'Greta Holm' });
		const card = screen.getByRole('button', { name: 'Öppna besöket hos Greta Holm' });
		expect(card.textContent).toContain('Greta Holm');
		const chips = [...card.querySelectorAll('.chip')].map((c) => c.textContent);
		expect(chips).toEqual(['Insulin', 'Omvårdnad']);
		expect(card.textContent).toContain('ca 30 min');
	});

	it('shows only initials in privacy mode', () => {
		render(VisitCard, { visit: visit(), clientName: 'Greta Holm', privacy: true });
		const card = screen.getByRole('button', { name: 'Öppna besöket hos GH' });
		expect(card.textContent).not.toContain('Greta');
	});

	it('makes an untaken time-critical visit stand out', () => {
		render(VisitCard, {
			visit: visit({ assignees: [], window: 'före 09:00' }),
			clientName: 'Greta Holm'
		});
		const card = screen.getByRole('button');
		expect(card.className).toContain('critical');
		expect(card.textContent).toContain('före 09:00');
		expect(card.textContent).toContain('Tidskritiskt – ingen har tagit det');
	});

	it('marks the contact person, a note, a missing second person and the status', () => {
		render(VisitCard, {
			visit: visit({ note: 'Nyckel i nyckelskåpet', status: 'done', services: ['lift'] }),
			clientName: 'Greta Holm',
			contactPerson: true,
			twoStaffMissing: true
		});
		const card = screen.getByRole('button');
		expect(card.textContent).toContain('Fast omsorgskontakt');
		expect(card.textContent).toContain('Har anteckning');
		expect(card.textContent).toContain('Kräver två personal');
		expect(card.textContent).toContain('Utförd');
	});

	it('shows the frame meter only for planned visits and opens on a tap', async () => {
		const onopen = vi.fn();
		const frame = {
			clientId: 'c1',
			period: '2026-W48',
			frameMinutes: 300,
			usedMinutes: 60,
			plannedMinutes: 60,
			leftMinutes: 180
		};
		render(VisitCard, { visit: visit(), clientName: 'Greta Holm', frame, onopen });
		expect(screen.getByRole('meter')).toBeTruthy();
		await fireEvent.click(screen.getByRole('button'));
		expect(onopen).toHaveBeenCalledOnce();
		cleanup();
		render(VisitCard, { visit: visit({ status: 'cancelled' }), clientName: 'Greta Holm', frame });
		expect(screen.queryByRole('meter')).toBeNull();
	});
});
