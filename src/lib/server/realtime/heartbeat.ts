/**
 * Finds dead board sockets. A tablet that loses power or a phone that drives out of coverage
 * leaves its TCP connection open on the server, silent, for as long as the operating system
 * cares to keep it (often many minutes): the board shows the person as present and cannot
 * unload. Every socket is pinged each `heartbeatMs`; one that has not answered the previous
 * ping by the next is terminated, which closes its connection like any other close (presence
 * and awareness cleared, the board free to unload). Browsers and `ws` answer pings by
 * themselves, so a live device never notices.
 */
import type { WebSocket, WebSocketServer } from 'ws';

/** A dead socket is found within two intervals: 30–60 s. */
export const HEARTBEAT_MS = 30_000;

/** `options.heartbeatMs`, when the realtime options carry it, sets the interval (tests). */
export function watchHeartbeats(wss: WebSocketServer, options: object = {}): void {
	const intervalMs =
		'heartbeatMs' in options && typeof options.heartbeatMs === 'number'
			? options.heartbeatMs
			: HEARTBEAT_MS;
	const watched = new WeakSet<WebSocket>();
	const waiting = new WeakSet<WebSocket>();
	const timer = setInterval(() => {
		for (const ws of wss.clients) {
			if (ws.readyState !== ws.OPEN) continue;
			if (!watched.has(ws)) {
				watched.add(ws);
				ws.on('pong', () => waiting.delete(ws));
			} else if (waiting.has(ws)) {
				ws.terminate();
				continue;
			}
			waiting.add(ws);
			ws.ping();
		}
	}, intervalMs);
	timer.unref();
	wss.once('close', () => clearInterval(timer));
}
