/**
 * The benchmark's devices, in a process of their own so they do not share the server's
 * event loop: stock y-websocket providers that make one change every two seconds and time
 * how long each change takes to reach the other devices of the board, and raw sockets that
 * send changes as fast as allowed to measure the server's throughput.
 */
import * as encoding from 'lib0/encoding';
import { WebSocket as NodeWebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createVisit, moveVisit, setMinutes, setNote, visitsMap } from '../src/lib/board';
import { DAY_PARTS } from '../src/lib/domain/types';
import { BENCH_MONDAY } from './seed';
import { withHeaders } from './ws-headers';

export interface BoardSpec {
	room: string;
	clients: string[];
	cookies: string[];
}

export type ClientCommand =
	/**
	 * With several urls (processes of a cluster), device `i` of board `b` connects to
	 * `url[(b + i) % url.length]`: every board has devices on every process, and the first
	 * devices, which make a process the board's authority, are spread over the processes.
	 */
	| { cmd: 'connect'; url: string | string[]; boards: BoardSpec[]; which: 'first' | 'rest' }
	| { cmd: 'run'; durationMs: number; warmupMs: number; invalidRate: number }
	| { cmd: 'disconnect' }
	| { cmd: 'blast'; url: string; boards: BoardSpec[]; perSecond: number; durationMs: number }
	| { cmd: 'exit' };

const ORIGIN = process.env.BENCH_ORIGIN ?? 'http://localhost:3000';

interface Device {
	board: number;
	index: number;
	/** Which of the urls it is connected to. */
	server: number;
	doc: Y.Doc;
	provider: WebsocketProvider;
	timer?: ReturnType<typeof setInterval>;
}

let devices: Device[] = [];
const sent = new Map<number, { at: number; board: number; author: Device }>();
const pendingInvalid = new Map<Device, { visitId: string; at: number }>();
let measuring = false;
let propagation: number[] = [];
/** Deliveries from a device on one process to a device on another. */
let crossProcess: number[] = [];
let compensation: number[] = [];
let seq = 0;

function whenSynced(provider: WebsocketProvider): Promise<void> {
	return new Promise((resolve) => {
		if (provider.synced) return resolve();
		const on = (synced: boolean) => {
			if (synced) {
				provider.off('sync', on);
				resolve();
			}
		};
		provider.on('sync', on);
	});
}

function connectDevice(
	url: string,
	server: number,
	spec: BoardSpec,
	board: number,
	index: number
): Device {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/yjs', spec.room, doc, {
		WebSocketPolyfill: withHeaders({
			cookie: spec.cookies[index],
			origin: ORIGIN
		}) as unknown as typeof WebSocket,
		disableBc: true
	});
	const device: Device = { board, index, server, doc, provider };
	const visits = visitsMap(doc);
	visits.observeDeep((events, tr) => {
		if (tr.origin !== provider || !measuring) return;
		const now = performance.now();
		const seen = new Set<string>();
		for (const event of events) {
			let type = event.target as Y.AbstractType<unknown>;
			while (type._item && type._item.parent !== (visits as unknown)) {
				type = type._item.parent as Y.AbstractType<unknown>;
			}
			const id = type._item?.parentSub;
			if (id && !seen.has(id)) seen.add(id);
		}
		for (const id of seen) {
			const map = visits.get(id) as Y.Map<unknown> | undefined;
			const note = map?.get('note');
			const pending = pendingInvalid.get(device);
			if (pending && pending.visitId === id && map?.get('minutes') !== 480) {
				compensation.push(now - pending.at);
				pendingInvalid.delete(device);
			}
			const match = note instanceof Y.Text ? /^b(\d+)$/.exec(note.toString()) : null;
			if (!match) continue;
			const change = sent.get(Number(match[1]));
			if (change && change.author !== device && change.board === board) {
				propagation.push(now - change.at);
				if (change.author.server !== device.server) crossProcess.push(now - change.at);
			}
		}
	});
	return device;
}

/**
 * Twelve visits per board, two or three per client, created by the board's first device (once:
 * a later run on the same boards finds them).
 */
function seedBoard(device: Device, spec: BoardSpec) {
	if (visitsMap(device.doc).size >= 12) return;
	device.doc.transact(() => {
		for (let i = 0; i < 12; i++) {
			createVisit(device.doc, {
				clientId: spec.clients[i % spec.clients.length],
				date: BENCH_MONDAY,
				dayPart: DAY_PARTS[i % 4],
				services: ['meals'],
				minutes: 30
			});
		}
	});
}

function change(device: Device, invalidRate: number) {
	const visits = [...visitsMap(device.doc).keys()].sort();
	const own = visits.filter((_, i) => i % 6 === device.index);
	if (own.length === 0) return;
	const id = own[Math.floor(Math.random() * own.length)];
	const n = ++seq;
	const invalid = Math.random() < invalidRate;
	const at = performance.now();
	if (measuring) sent.set(n, { at, board: device.board, author: device });
	device.doc.transact(() => {
		const map = visitsMap(device.doc).get(id) as Y.Map<unknown>;
		if (invalid) {
			setMinutes(device.doc, id, 480);
			if (measuring) pendingInvalid.set(device, { visitId: id, at });
		} else if (Math.random() < 0.5) {
			setMinutes(device.doc, id, map.get('minutes') === 30 ? 45 : 30);
		} else {
			moveVisit(device.doc, id, { dayPart: DAY_PARTS[Math.floor(Math.random() * 4)] });
		}
		setNote(device.doc, id, `b${n}`);
	});
}

function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function updateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** Raw sockets that each change a visit of their own `perSecond` times a second. */
async function blast(url: string, boards: BoardSpec[], perSecond: number, durationMs: number) {
	const sockets: NodeWebSocket[] = [];
	let count = 0;
	await Promise.all(
		boards.flatMap((spec) =>
			[0, 1].map(
				(k) =>
					new Promise<void>((resolve) => {
						const ws = new NodeWebSocket(`${url.replace(/^http/, 'ws')}/yjs/${spec.room}`, {
							headers: { cookie: spec.cookies[k], origin: ORIGIN }
						});
						sockets.push(ws);
						ws.on('open', () => {
							const doc = new Y.Doc();
							let last: Uint8Array | null = null;
							doc.on('update', (u: Uint8Array) => (last = u));
							const id = createVisit(doc, {
								clientId: spec.clients[k],
								date: BENCH_MONDAY,
								dayPart: 'evening',
								services: ['walk'],
								minutes: 30
							});
							ws.send(updateMessage(last!));
							const started = performance.now();
							let toggle = false;
							const timer = setInterval(() => {
								if (performance.now() - started > durationMs) {
									clearInterval(timer);
									return resolve();
								}
								toggle = !toggle;
								setMinutes(doc, id, toggle ? 35 : 30);
								if (ws.readyState === ws.OPEN) {
									ws.send(updateMessage(last!));
									count++;
								}
							}, 1000 / perSecond);
						});
						ws.on('error', () => resolve());
					})
			)
		)
	);
	for (const ws of sockets) ws.terminate();
	return count;
}

process.on('message', (message: ClientCommand) => {
	void (async () => {
		switch (message.cmd) {
			case 'connect': {
				const created: Device[] = [];
				message.boards.forEach((spec, board) => {
					const indexes = message.which === 'first' ? [0] : [1, 2, 3, 4, 5];
					const urls = Array.isArray(message.url) ? message.url : [message.url];
					for (const index of indexes) {
						const server = (board + index) % urls.length;
						created.push(connectDevice(urls[server], server, spec, board, index));
					}
				});
				await Promise.all(created.map((d) => whenSynced(d.provider)));
				if (message.which === 'first') {
					created.forEach((d) => seedBoard(d, message.boards[d.board]));
					await new Promise((r) => setTimeout(r, 1500));
				}
				devices.push(...created);
				process.send!({ ok: true, devices: devices.length });
				break;
			}
			case 'run': {
				propagation = [];
				crossProcess = [];
				compensation = [];
				sent.clear();
				pendingInvalid.clear();
				for (const d of devices) {
					setTimeout(() => {
						change(d, message.invalidRate);
						d.timer = setInterval(() => change(d, message.invalidRate), 2000);
					}, Math.random() * 2000);
				}
				await new Promise((r) => setTimeout(r, message.warmupMs));
				measuring = true;
				await new Promise((r) => setTimeout(r, message.durationMs));
				measuring = false;
				for (const d of devices) clearInterval(d.timer);
				await new Promise((r) => setTimeout(r, 500));
				process.send!({
					ok: true,
					changes: sent.size,
					propagation: {
						count: propagation.length,
						p50: percentile(propagation, 50),
						p99: percentile(propagation, 99)
					},
					crossProcess: {
						count: crossProcess.length,
						p50: percentile(crossProcess, 50),
						p99: percentile(crossProcess, 99)
					},
					compensation: {
						count: compensation.length,
						p50: percentile(compensation, 50),
						p99: percentile(compensation, 99)
					}
				});
				break;
			}
			case 'disconnect':
				for (const d of devices) d.provider.destroy();
				devices = [];
				await new Promise((r) => setTimeout(r, 300));
				process.send!({ ok: true });
				break;
			case 'blast': {
				const count = await blast(
					message.url,
					message.boards,
					message.perSecond,
					message.durationMs
				);
				process.send!({ ok: true, sent: count });
				break;
			}
			case 'exit':
				process.exit(0);
		}
	})();
});
process.send!({ ok: true, ready: true });
