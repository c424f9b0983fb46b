/**
 * Production entry: one HTTP server carrying the SvelteKit app (adapter-node's handler), the
 * Yjs WebSocket at /yjs/<room> and socket.io at /socket.io. Built to build/server.js by
 * scripts/build-server.js and started by `npm start`.
 */
import { createServer } from 'node:http';
import { getApp, closeApp } from '$lib/server/app';
import { DataDirInUseError } from '$lib/server/db/data-dir-lock';
import { attachRealtime } from '$lib/server/realtime';
import { joinConfiguredCluster } from '$lib/server/cluster';

// adapter-node assumes https unless told otherwise. Without ORIGIN or a proxy header, take
// the protocol from the connection itself, overwriting whatever a client claims.
const OWN_PROTOCOL_HEADER = 'x-ramtavlan-protocol';
const deriveProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (deriveProtocol) process.env.PROTOCOL_HEADER = OWN_PROTOCOL_HEADER;

const app = await getApp().catch((error: unknown) => {
	// A second process on the same embedded database, say: one line that says what to do.
	if (error instanceof DataDirInUseError) {
		console.error(error.message);
		process.exit(1);
	}
	throw error;
});
const handlerModule = './handler.js';
const { handler } = (await import(/* @vite-ignore */ handlerModule)) as {
	handler: (
		req: import('node:http').IncomingMessage,
		res: import('node:http').ServerResponse
	) => void;
};

// One of several processes on the same PostgreSQL (README, "Several processes").
const cluster = await joinConfiguredCluster(app.config, app.db, console).catch((error: unknown) => {
	// Redis or PostgreSQL not reachable at start: one line that says which.
	console.error(`Cannot join the cluster: ${(error as Error).message}`);
	process.exit(1);
});

const server = createServer((req, res) => {
	if (realtime.handleInternal(req, res)) return;
	if (deriveProtocol) {
		req.headers[OWN_PROTOCOL_HEADER] =
			'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
	}
	handler(req, res);
});

const realtime = attachRealtime(server, {
	db: app.db,
	sessions: app.sessions,
	allowedOrigins: app.config.allowedOrigins,
	...(cluster ? { cluster: cluster.deps } : {})
});

server.listen(app.config.port, () => {
	const kind =
		app.database.kind === 'pglite'
			? `PGlite in ${app.config.dataDir}`
			: cluster
				? `PostgreSQL, one of a cluster, reached at ${app.config.cluster?.internalUrl}`
				: 'PostgreSQL';
	console.log(`Ramtavlan listening on http://localhost:${app.config.port} (${kind})`);
});

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	console.log(`${signal}: closing`);
	// Boards are persisted and compacted before the database closes.
	await realtime.close();
	await cluster?.close();
	server.close();
	server.closeAllConnections();
	await closeApp();
	process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
