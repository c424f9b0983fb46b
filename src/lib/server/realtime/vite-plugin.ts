/**
 * Dev parity (DESIGN.md §4): `npm run dev` serves the same realtime layer as production by
 * attaching it to Vite's HTTP server. The app container and the realtime module are loaded
 * through Vite, so they share the modules (and the one database) of the SvelteKit pages.
 *
 * Only upgrades for `/yjs/` and `/socket.io/` are touched; Vite's HMR socket stays Vite's.
 * Changes to the realtime code itself need a restart of the dev server.
 *
 * This file is imported by vite.config.ts, so it imports nothing but types at the top.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Plugin, ViteDevServer } from 'vite';

export interface RealtimeDevPluginOptions {
	/** Module exporting `getApp()` (the app container). */
	appModule?: string;
	/** Module exporting `attachRealtime`. */
	realtimeModule?: string;
}

interface AppLike {
	db: unknown;
	sessions: unknown;
	config: { allowedOrigins: string[] };
}

const OWN_PATHS = ['/yjs/', '/socket.io/'];

export function realtimeDevPlugin(options: RealtimeDevPluginOptions = {}): Plugin {
	const appModule = options.appModule ?? '/src/lib/server/app.ts';
	const realtimeModule = options.realtimeModule ?? '/src/lib/server/realtime/index.ts';
	let stop: () => Promise<void> = async () => {};
	return {
		name: 'ramtavlan-realtime',
		apply: 'serve',
		// `vite.close()` waits for this: boards are persisted before the caller closes the database.
		closeBundle: () => stop(),
		configureServer(server: ViteDevServer) {
			const http = server.httpServer as HttpServer | null;
			if (!http) return; // middleware mode: the host server attaches realtime itself
			let ready = false;
			let attaching: Promise<void> | null = null;
			let close: (() => Promise<void>) | null = null;

			const attach = () =>
				(attaching ??= (async () => {
					const { getApp } = (await server.ssrLoadModule(appModule)) as {
						getApp(): Promise<AppLike>;
					};
					const { attachRealtime } = (await server.ssrLoadModule(realtimeModule)) as {
						attachRealtime(
							http: HttpServer,
							deps: { db: unknown; sessions: unknown; allowedOrigins: string[] }
						): { close(): Promise<void> };
					};
					const app = await getApp();
					const realtime = attachRealtime(http, {
						db: app.db,
						sessions: app.sessions,
						allowedOrigins: app.config.allowedOrigins
					});
					close = () => realtime.close();
					ready = true;
				})().catch((error: unknown) => {
					attaching = null;
					server.config.logger.error(`[realtime] could not attach: ${String(error)}`);
				}));

			// Sockets that arrive while the layer is still loading are handed over once it is.
			http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
				if (ready) return;
				const path = (req.url ?? '').split('?')[0];
				if (!OWN_PATHS.some((p) => path.startsWith(p))) return;
				void attach().then(() => {
					if (ready && !socket.destroyed) http.emit('upgrade', req, socket, head);
					else socket.destroy();
				});
			});
			http.once('listening', () => void attach());
			let stopping: Promise<void> | null = null;
			stop = () => (stopping ??= close?.() ?? Promise.resolve());
			http.once('close', () => void stop());
		}
	};
}
