/**
 * The soak's devices, in a process of their own: stock y-websocket providers, six per board,
 * each changing a visit of its board every two seconds and timing how long the changes of the
 * others take to arrive. Now and then devices reconnect, and whole boards go quiet long enough
 * for the server to unload them, so connections and boards come and go all the time.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createVisit, moveVisit, setMinutes, setNote, visitsMap } from '../src/lib/board';
import { DAY_PARTS } from '../src/lib/domain/types';
import { BENCH_MONDAY } from './seed';
import { withHeaders } from './ws-headers';

// Every y-websocket provider in Node listens for the process's exit.
process.setMaxListeners(0);

export interface SoakBoard {
	room: string;
	clients: string[];
	cookies: string[];
}

export type SoakCommand =
	| { cmd: 'connect'; url: string; origin: string; boards: SoakBoard[] }
	| {
			cmd: 'run';
			/** Share of devices that reconnect per minute. */
			churnPerMinute: number;
			/** Boards that go quiet per minute, each for `quietMs`. */
			quietBoardsPerMinute: number;
			quietMs: number;
	  }
	| { cmd: 'report' }
	| { cmd: 'stop' };

export interface SoakReport {
	ok: true;
	changes: number;
	deliveries: number;
	p50: number;
	p99: number;
	reconnects: number;
	devices: number;
	connected: number;
}

interface Device {
	board: number;
	index: number;
	doc: Y.Doc;
	provider: WebsocketProvider;
	quietUntil: number;
}

let url = '';
let origin = '';
let boards: SoakBoard[] = [];
const devices: Device[] = [];
const sent = new Map<string, { at: number; board: number }>();
let delays: number[] = [];
let changes = 0;
let reconnects = 0;
let seq = 0;
const timers: ReturnType<typeof setInterval>[] = [];

function provider(d: Pick<Device, 'board' | 'index' | 'doc'>): WebsocketProvider {
	const spec = boards[d.board];
	return new WebsocketProvider(url.replace(/^http/, 'ws') + '/yjs', spec.room, d.doc, {
		WebSocketPolyfill: withHeaders({
			cookie: spec.cookies[d.index],
			origin
		}) as unknown as typeof WebSocket,
		disableBc: true,
		maxBackoffTime: 2000
	});
}

function watch(d: Device): void {
	const visits = visitsMap(d.doc);
	visits.observeDeep((events, tr) => {
		if (tr.local) return;
		const now = performance.now();
		for (const event of events) {
			const text = event.target;
			if (!(text instanceof Y.Text)) continue;
			const tag = /^s(\d+)$/.exec(text.toString())?.[1];
			const change = tag ? sent.get(tag) : undefined;
			if (change && change.board === d.board) delays.push(now - change.at);
		}
	});
}

function whenSynced(p: WebsocketProvider): Promise<void> {
	return new Promise((resolve) => {
		if (p.synced) return resolve();
		const on = (synced: boolean) => {
			if (!synced) return;
			p.off('sync', on);
			resolve();
		};
		p.on('sync', on);
	});
}

function change(d: Device): void {
	if (!d.provider.wsconnected || d.quietUntil > Date.now()) return;
	const ids = [...visitsMap(d.doc).keys()].sort();
	const own = ids.filter((_, i) => i % 6 === d.index);
	if (own.length === 0) return;
	const id = own[Math.floor(Math.random() * own.length)];
	const tag = String(++seq);
	sent.set(tag, { at: performance.now(), board: d.board });
	changes++;
	d.doc.transact(() => {
		const map = visitsMap(d.doc).get(id) as Y.Map<unknown>;
		if (Math.random() < 0.5) setMinutes(d.doc, id, map.get('minutes') === 30 ? 45 : 30);
		else moveVisit(d.doc, id, { dayPart: DAY_PARTS[Math.floor(Math.random() * 4)] });
		setNote(d.doc, id, `s${tag}`);
	});
	if (sent.size > 50_000) sent.clear();
}

/** A device leaves and comes back with the same doc, as a phone that lost its connection. */
function reconnect(d: Device): void {
	d.provider.destroy();
	d.provider = provider(d);
	reconnects++;
}

function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

process.on('message', (message: SoakCommand) => {
	void (async () => {
		switch (message.cmd) {
			case 'connect': {
				({ url, origin, boards } = message);
				for (const [board, spec] of boards.entries()) {
					for (let index = 0; index < 6; index++) {
						const doc = new Y.Doc();
						const d: Device = { board, index, doc, provider: null!, quietUntil: 0 };
						d.provider = provider(d);
						watch(d);
						devices.push(d);
					}
					// The board's twelve visits, made by its first device.
					const first = devices[devices.length - 6];
					await whenSynced(first.provider);
					if (visitsMap(first.doc).size === 0) {
						first.doc.transact(() => {
							for (let i = 0; i < 12; i++) {
								createVisit(first.doc, {
									clientId: spec.clients[i % spec.clients.length],
									date: BENCH_MONDAY,
									dayPart: DAY_PARTS[i % 4],
									services: ['meals'],
									minutes: 30
								});
							}
						});
					}
				}
				await Promise.all(devices.map((d) => whenSynced(d.provider)));
				process.send!({ ok: true, devices: devices.length });
				break;
			}
			case 'run': {
				for (const d of devices) {
					setTimeout(() => timers.push(setInterval(() => change(d), 2000)), Math.random() * 2000);
				}
				// Every second: a few devices reconnect, now and then a board goes quiet.
				timers.push(
					setInterval(() => {
						const now = Date.now();
						for (const d of devices) {
							if (d.quietUntil > 0 && d.quietUntil <= now) {
								d.quietUntil = 0;
								d.provider.connect();
							} else if (d.quietUntil === 0 && Math.random() < message.churnPerMinute / 60) {
								reconnect(d);
							}
						}
						if (Math.random() < message.quietBoardsPerMinute / 60) {
							const board = Math.floor(Math.random() * boards.length);
							for (const d of devices) {
								if (d.board !== board || d.quietUntil > 0) continue;
								d.quietUntil = now + message.quietMs;
								d.provider.disconnect();
							}
						}
					}, 1000)
				);
				process.send!({ ok: true });
				break;
			}
			case 'report': {
				const report: SoakReport = {
					ok: true,
					changes,
					deliveries: delays.length,
					p50: percentile(delays, 50),
					p99: percentile(delays, 99),
					reconnects,
					devices: devices.length,
					connected: devices.filter((d) => d.provider.wsconnected).length
				};
				delays = [];
				changes = 0;
				reconnects = 0;
				process.send!(report);
				break;
			}
			case 'stop':
				for (const t of timers) clearInterval(t);
				for (const d of devices) d.provider.destroy();
				process.send!({ ok: true });
				setTimeout(() => process.exit(0), 200);
				break;
		}
	})();
});
process.send!({ ok: true, ready: true });
