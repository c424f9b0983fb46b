/**
 * The work devices do on a board during a fault test, made so that nothing can be lost
 * unseen: most edits append a unique tag ("[device.n]") to the note of a visit that stays
 * valid whatever happens, so every tag a device wrote, and every tag it received from
 * another device, can be looked for on the server's board afterwards. The other edits are
 * random changes of other visits, some of which break the rules and are undone.
 */
import * as Y from 'yjs';
import {
	addService,
	assign,
	createVisit,
	deleteVisit,
	noteOf,
	setMinutes,
	unassign,
	visitsMap
} from '../../src/lib/board';
import { datesOfIsoWeek } from '../../src/lib/domain/periods';
import { DAY_PARTS } from '../../src/lib/domain/types';
import type { Db } from '../../src/lib/server/db/client';
import { client, decision, decisionService } from '../../src/lib/server/db/schema';
import { WEEK, type World } from '../fixtures/realtime';
import { scale, type BoardClient, type Random } from './harness';

export interface Device extends BoardClient {
	index: number;
	/** Tags this device wrote, online or offline. */
	authored: Set<string>;
	written: number;
}

export function device(index: number, client: BoardClient): Device {
	return { ...client, index, authored: new Set(), written: 0 };
}

/** A client of team Björken with a large weekly frame, so her visits never meet a limit. */
export async function addRoomyClient(db: Db, world: World): Promise<string> {
	const [c] = await db
		.insert(client)
		.values({
			organisationId: world.organisationId,
			teamId: world.teams.bjorken,
			name: 'Stina Berg'
		})
		.returning();
	const [d] = await db
		.insert(decision)
		.values({
			organisationId: world.organisationId,
			clientId: c.id,
			validFrom: '2026-01-01',
			validTo: null,
			frameMinutes: 20_000,
			framePeriod: 'week'
		})
		.returning();
	await db
		.insert(decisionService)
		.values(['meals', 'social', 'walk'].map((serviceCode) => ({ decisionId: d.id, serviceCode })));
	return c.id;
}

/** `count` valid visits of the roomy client in the world's week, made on `doc`. */
export function createPlainVisits(
	doc: Y.Doc,
	clientId: string,
	count: number,
	assignees: string[] = []
): string[] {
	const dates = datesOfIsoWeek(WEEK).slice(0, 5);
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		ids.push(
			createVisit(doc, {
				clientId,
				date: dates[i % dates.length],
				dayPart: DAY_PARTS[i % DAY_PARTS.length],
				services: ['meals'],
				minutes: 15,
				assignees
			})
		);
	}
	return ids;
}

const TAG = /\[(\d+)\.(\d+)\]/g;

/**
 * How long a device lets a note grow with tags, well below the bound of a note
 * (VISIT_LIMITS.note, 4,000): other devices may add to it meanwhile without knowing.
 */
const NOTE_BUDGET = 2500;

/** Visits that carry tags: enough for the full forms to stay below every note's budget. */
export const TAGGED_VISITS = scale(20, 80);

/** Every tag in the notes of the board. */
export function tagsOf(doc: Y.Doc): Set<string> {
	const tags = new Set<string>();
	for (const value of visitsMap(doc).values()) {
		const note = value instanceof Y.Map ? value.get('note') : undefined;
		if (note instanceof Y.Text) for (const m of note.toString().matchAll(TAG)) tags.add(m[0]);
	}
	return tags;
}

/** Tags a device holds that another device wrote: they can only have come from the server. */
export function receivedBy(d: Device): string[] {
	return [...tagsOf(d.doc)].filter((t) => !t.startsWith(`[${d.index}.`));
}

/**
 * One edit by a device: a tag on a tagged visit (60 %), handing a tagged visit to someone in
 * the team or taking it back (15 %), or a random change of another visit (25 %) that is not
 * `untouchable`.
 */
export function edit(
	rng: Random,
	d: Device,
	world: World,
	tagged: string[],
	roomy: string,
	untouchable: ReadonlySet<string> = new Set()
): void {
	const doc = d.doc;
	const team = [world.staff.anna, world.staff.bertil, world.staff.cecilia];
	const roll = rng.next();
	if (roll < 0.6) {
		// A note with room left, so that tags never meet the note's bound; when every note is
		// nearly full, the device makes other changes.
		const open = tagged.filter((id) => (noteOf(doc, id)?.length ?? Infinity) < NOTE_BUDGET);
		const note = open.length > 0 ? noteOf(doc, rng.pick(open)) : undefined;
		if (note) {
			const tag = `[${d.index}.${++d.written}]`;
			note.insert(note.length, tag);
			d.authored.add(tag);
			return;
		}
	}
	if (roll < 0.75) {
		const id = rng.pick(tagged);
		if (!visitsMap(doc).has(id)) return;
		if (rng.chance(0.5)) assign(doc, id, rng.pick(team));
		else unassign(doc, id, rng.pick(team));
		return;
	}
	const others = [...visitsMap(doc).keys()].filter(
		(id) => !tagged.includes(id) && !untouchable.has(id)
	);
	const id = others.length > 0 ? rng.pick(others) : null;
	const what = rng.next();
	try {
		if (!id || what < 0.3) {
			createVisit(doc, {
				clientId: rng.pick([
					world.clients.greta,
					world.clients.ingrid,
					world.clients.harald,
					roomy
				]),
				date: rng.chance(0.95) ? rng.pick(datesOfIsoWeek(WEEK)) : '2030-01-01',
				dayPart: rng.pick(DAY_PARTS),
				services: [rng.pick(['meals', 'social', 'insulin', 'shower', 'walk', 'cleaning'])],
				minutes: rng.pick([15, 30, 45, 60, 7]),
				assignees: rng.chance(0.5) ? [rng.pick([...team, world.staff.erik])] : []
			});
		} else if (what < 0.5) deleteVisit(doc, id);
		else if (what < 0.75) setMinutes(doc, id, rng.pick([10, 20, 30, 240, 13]));
		else addService(doc, id, rng.pick(['meals', 'insulin', 'teleport']));
	} catch {
		// The visit was replaced under us by a compensation: nothing to change.
	}
}

/** Runs `edit` on every device every 150–350 ms until `stop()`, online or offline. */
export function keepWriting(
	rng: Random,
	devices: () => Device[],
	work: (d: Device) => void
): { stop(): Promise<void> } {
	let writing = true;
	const running = new Map<Device, Promise<void>>();
	const loop = async (d: Device) => {
		while (writing) {
			work(d);
			await new Promise((r) => setTimeout(r, rng.between(150, 350)));
		}
	};
	const spawn = setInterval(() => {
		for (const d of devices()) if (!running.has(d)) running.set(d, loop(d));
	}, 50);
	for (const d of devices()) running.set(d, loop(d));
	return {
		async stop() {
			writing = false;
			clearInterval(spawn);
			await Promise.all(running.values());
		}
	};
}
