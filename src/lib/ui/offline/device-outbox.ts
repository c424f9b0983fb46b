/**
 * The one outbox of this device (browser only): reports made on "Min dag" are kept in
 * IndexedDB and sent over a socket.io channel of their own whenever the device is online —
 * on connecting, when the browser says the network is back, and every little while as long
 * as something waits. Every page that shows or makes reports uses this same instance.
 */
import { io, type Socket } from 'socket.io-client';
import {
	SOCKET_IO_PATH,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type TimeRecordPayload
} from '$lib/realtime/protocol';
import { MemoryOutboxStorage, Outbox, type OutboxAck, type OutboxItem } from './outbox';
import { deleteOutboxDatabase, IndexedDbOutboxStorage } from './outbox-idb';
import { OutboxView } from './outbox.svelte';

/** What a report shows in lists before the server has it. */
export interface ReportLabel extends Record<string, unknown> {
	visitId: string;
	clientName: string;
	date: string;
	minutes: number;
	outcome: NonNullable<TimeRecordPayload['outcome']>;
}

const RETRY_MS = 15_000;
const ACK_TIMEOUT_MS = 10_000;

interface DeviceOutbox {
	outbox: Outbox;
	view: OutboxView;
}

let device: DeviceOutbox | null = null;
let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** The device's outbox; while rendering on the server, an empty one that nothing is sent from. */
export function deviceOutbox(): DeviceOutbox {
	if (typeof indexedDB === 'undefined') {
		const outbox = new Outbox(new MemoryOutboxStorage());
		return { outbox, view: new OutboxView(outbox) };
	}
	if (!device) {
		const outbox = new Outbox(new IndexedDbOutboxStorage());
		device = { outbox, view: new OutboxView(outbox) };
	}
	return device;
}

/** Queues a report of a visit ("Klar"); it is sent at once when online, later otherwise. */
export async function queueReport(
	payload: Omit<TimeRecordPayload, 'idempotencyKey'>,
	label: ReportLabel
): Promise<OutboxItem> {
	const { outbox } = deviceOutbox();
	await outbox.ready;
	const item = await outbox.enqueue('time:record', payload, label);
	flushNow();
	return item;
}

const send = (item: OutboxItem): Promise<OutboxAck> => {
	const channel = socket;
	if (!channel?.connected) return Promise.reject(new Error('offline'));
	return channel
		.timeout(ACK_TIMEOUT_MS)
		.emitWithAck(item.command as 'time:record', item.payload as TimeRecordPayload);
};

/** Tries to send whatever waits; harmless when offline or when nothing waits. */
export function flushNow(): void {
	if (!device || !socket?.connected) return;
	void device.outbox.flush(send);
}

/**
 * Starts sending for a page that shows or makes reports; returns the function that stops it
 * when the page goes. The channel stays open while any such page is open.
 */
export function startSending(): () => void {
	deviceOutbox();
	users += 1;
	if (!socket) {
		socket = io({ path: SOCKET_IO_PATH, withCredentials: true, transports: ['websocket'] });
		socket.on('connect', flushNow);
		window.addEventListener('online', onOnline);
		timer = setInterval(() => {
			if (device && device.outbox.pending() > 0) flushNow();
		}, RETRY_MS);
	}
	return () => {
		users -= 1;
		if (users > 0) return;
		window.removeEventListener('online', onOnline);
		clearInterval(timer);
		socket?.disconnect();
		socket = null;
	};
}

function onOnline() {
	if (socket && !socket.connected) socket.connect();
	flushNow();
}

/** Reports on this device that the server does not hold yet (waiting or failed). */
export async function unsentReports(): Promise<number> {
	if (typeof indexedDB === 'undefined') return 0;
	const { outbox } = deviceOutbox();
	await outbox.ready;
	return outbox.pending();
}

/** Forgets every report kept on this device (logout: the next person sees nothing). */
export async function clearReports(): Promise<void> {
	if (typeof indexedDB === 'undefined') return;
	if (device) {
		await device.outbox.clear();
		device.view.destroy();
		device = null;
	}
	await deleteOutboxDatabase();
}
