import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BOARD_LIMITS, assign, createVisit, setMinutes } from '$lib/board';
import { datesOfIsoWeek } from '$lib/domain/periods';
import { DAY_PARTS } from '$lib/domain/types';
import { DEFAULT_OPTIONS } from './index';

describe('the frame size limit', () => {
	it('leaves room for the largest real board with a long history', () => {
		const doc = new Y.Doc();
		const dates = datesOfIsoWeek('2026-W48');
		const clients = Array.from({ length: 25 }, () => crypto.randomUUID());
		const staff = Array.from({ length: 6 }, () => crypto.randomUUID());
		const ids = Array.from({ length: 600 }, (_, i) =>
			createVisit(doc, {
				clientId: clients[i % clients.length],
				date: dates[i % 7],
				dayPart: DAY_PARTS[i % 4],
				services: ['personal-care', 'meals'],
				minutes: 30,
				assignees: [staff[i % staff.length]],
				note: 'Nyckel i nyckelskåpet, ring på två gånger. Katten får inte gå ut.'
			})
		);
		for (let round = 0; round < 20; round++) {
			for (const id of ids) {
				setMinutes(doc, id, round % 2 ? 45 : 30);
				assign(doc, id, staff[round % staff.length]);
			}
		}
		const size = Y.encodeStateAsUpdate(doc).byteLength;
		expect(size).toBeGreaterThan(256 * 1024);
		expect(size * 3).toBeLessThan(DEFAULT_OPTIONS.maxPayload);
		expect(DEFAULT_OPTIONS.maxPayload).toBeLessThan(100 * 1024 * 1024);
		// The board's own bounds leave the same board room to grow.
		expect(size * 2).toBeLessThan(BOARD_LIMITS.bytes);
		expect(ids.length * 2).toBeLessThan(BOARD_LIMITS.visits);
		expect(BOARD_LIMITS.hardBytes).toBeLessThanOrEqual(DEFAULT_OPTIONS.maxPayload);
	});
});
