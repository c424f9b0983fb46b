/**
 * The baseline: a plain y-websocket relay as the y-websocket 1.x server does it — one
 * in-memory doc per room, every update applied and broadcast to every connection — with no
 * authentication, no rules and no persistence. Written here with y-protocols, as DESIGN.md
 * §10 suggests, so the benchmark compares like with like on the same machine and run.
 */
import { createServer, type Server } from 'node:http';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';

interface SharedDoc {
	doc: Y.Doc;
	awareness: awarenessProtocol.Awareness;
	conns: Map<WebSocket, Set<number>>;
}

export function startBaselineRelay(
	port = 0
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
	const rooms = new Map<string, SharedDoc>();
	const send = (ws: WebSocket, message: Uint8Array) => {
		if (ws.readyState === ws.OPEN) ws.send(message);
	};
	const roomOf = (name: string): SharedDoc => {
		let shared = rooms.get(name);
		if (shared) return shared;
		const doc = new Y.Doc();
		const awareness = new awarenessProtocol.Awareness(doc);
		awareness.setLocalState(null);
		const conns = new Map<WebSocket, Set<number>>();
		shared = { doc, awareness, conns };
		doc.on('update', (update: Uint8Array) => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeUpdate(encoder, update);
			const message = encoding.toUint8Array(encoder);
			for (const ws of conns.keys()) send(ws, message);
		});
		awareness.on(
			'update',
			({ added, updated, removed }: Record<string, number[]>, origin: WebSocket | null) => {
				const changed = [...added, ...updated, ...removed];
				const ids = origin ? conns.get(origin) : undefined;
				if (ids) {
					for (const id of [...added, ...updated]) ids.add(id);
					for (const id of removed) ids.delete(id);
				}
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, 1);
				encoding.writeVarUint8Array(
					encoder,
					awarenessProtocol.encodeAwarenessUpdate(awareness, changed)
				);
				const message = encoding.toUint8Array(encoder);
				for (const ws of conns.keys()) send(ws, message);
			}
		);
		rooms.set(name, shared);
		return shared;
	};

	const wss = new WebSocketServer({ noServer: true });
	wss.on('connection', (ws: WebSocket, name: string) => {
		const { doc, awareness, conns } = roomOf(name);
		conns.set(ws, new Set());
		ws.binaryType = 'arraybuffer';
		ws.on('message', (data: ArrayBuffer) => {
			try {
				const decoder = decoding.createDecoder(new Uint8Array(data));
				const encoder = encoding.createEncoder();
				const type = decoding.readVarUint(decoder);
				if (type === 0) {
					encoding.writeVarUint(encoder, 0);
					syncProtocol.readSyncMessage(decoder, encoder, doc, ws);
					if (encoding.length(encoder) > 1) send(ws, encoding.toUint8Array(encoder));
				} else if (type === 1) {
					awarenessProtocol.applyAwarenessUpdate(
						awareness,
						decoding.readVarUint8Array(decoder),
						ws
					);
				}
			} catch {
				ws.close();
			}
		});
		ws.on('close', () => {
			const ids = conns.get(ws);
			conns.delete(ws);
			if (ids && ids.size > 0) awarenessProtocol.removeAwarenessStates(awareness, [...ids], null);
		});
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, doc);
		send(ws, encoding.toUint8Array(encoder));
	});

	const server = createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => {
		const name = decodeURIComponent((req.url ?? '/').split('?')[0].replace(/^\/yjs\//, ''));
		wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, name));
	});
	return new Promise((resolve) =>
		server.listen(port, '127.0.0.1', () => {
			const address = server.address();
			const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
			resolve({
				server,
				url,
				close: async () => {
					for (const ws of wss.clients) ws.terminate();
					wss.close();
					for (const room of rooms.values()) room.awareness.destroy();
					await new Promise((r) => server.close(r));
				}
			});
		})
	);
}
