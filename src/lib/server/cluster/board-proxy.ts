/**
 * A board socket of a team another process serves: this process has authenticated and
 * authorised the person, opens the same board at the owner on their behalf and passes the
 * y-websocket messages through both ways, untouched. The owner judges and persists every
 * change; when it goes away, the device's socket closes with 1012 and its provider connects
 * again, to whichever process then serves the team.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { forwardedHeaders } from './internal';

/** Close codes a peer may not send itself (RFC 6455 §7.4.1): a lost peer becomes 1012. */
const RESERVED = new Set([1004, 1005, 1006, 1015]);
const SERVICE_RESTART = 1012;

function closeWith(ws: WebSocket, code: number, reason: Buffer): void {
	if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
	if (ws.readyState === WebSocket.CONNECTING) return ws.terminate();
	const sendable = code >= 1000 && code < 5000 && !RESERVED.has(code);
	ws.close(sendable ? code : SERVICE_RESTART, sendable ? reason.subarray(0, 120) : 'owner gone');
}

function relay(from: WebSocket, to: WebSocket): void {
	from.on('message', (data: RawData, isBinary: boolean) => {
		if (to.readyState === WebSocket.OPEN) to.send(data as Buffer, { binary: isBinary });
	});
	from.on('close', (code: number, reason: Buffer) => closeWith(to, code, reason));
	from.on('error', () => from.terminate());
}

export interface BoardProxyOptions {
	req: IncomingMessage;
	socket: Duplex;
	head: Buffer;
	/** Where the device's socket is completed. */
	wss: WebSocketServer;
	/** The owner's internal address, `http://host:port`. */
	owner: string;
	secret: string;
	maxPayload: number;
	/** The owner refused before the upgrade: answer the device with its status. */
	refuse(status: number): void;
	/** The device's socket, once both ends are open. */
	opened?(ws: WebSocket): void;
}

export function proxyBoard(opts: BoardProxyOptions): void {
	const { req, socket, head } = opts;
	const upstream = new WebSocket(opts.owner.replace(/^http/, 'ws') + (req.url ?? '/'), {
		headers: forwardedHeaders(req.headers, opts.secret),
		perMessageDeflate: false,
		maxPayload: opts.maxPayload,
		handshakeTimeout: 5000
	});
	let opened = false;
	upstream.on('unexpected-response', (_request, response) => {
		opts.refuse(response.statusCode ?? 502);
		upstream.terminate();
	});
	upstream.on('error', () => {
		if (!opened) opts.refuse(503);
	});
	socket.once('close', () => {
		if (!opened) upstream.terminate();
	});
	upstream.once('open', () => {
		if (socket.destroyed) return upstream.close(1001);
		opened = true;
		opts.wss.handleUpgrade(req, socket, head, (ws) => {
			relay(ws, upstream);
			relay(upstream, ws);
			if (upstream.readyState !== WebSocket.OPEN) closeWith(ws, SERVICE_RESTART, Buffer.alloc(0));
			opts.opened?.(ws);
		});
	});
}
