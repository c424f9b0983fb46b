// A round-robin TCP balancer for trying a cluster on one machine (`npm run cluster`) and for
// its tests: each new connection goes to the next process that accepts it. It knows nothing of
// HTTP, so WebSocket upgrades pass like any other bytes; no connection is sticky, as none needs
// to be. In production a real load balancer does this (README, "Several processes").
import { connect, createServer } from 'node:net';

/**
 * Listens on `port` (0: a free one) and spreads connections over `backends`
 * (`{ host, port }`), skipping one that refuses. Resolves with the port and `close()`.
 *
 * @param {{ port: number, host?: string, backends: { host: string, port: number }[] }} options
 * @returns {Promise<{ port: number, close(): Promise<void> }>}
 */
export function startBalancer({ port, host = '127.0.0.1', backends }) {
	let next = 0;
	/** @type {Set<import('node:net').Socket>} */
	const open = new Set();
	const server = createServer((client) => {
		open.add(client);
		client.once('close', () => open.delete(client));
		client.on('error', () => client.destroy());
		client.pause();
		/** @param {number} tries */
		const attempt = (tries) => {
			if (tries >= backends.length) return client.destroy();
			const backend = backends[next++ % backends.length];
			const upstream = connect(backend.port, backend.host);
			let connected = false;
			upstream.once('connect', () => {
				connected = true;
				open.add(upstream);
				upstream.once('close', () => open.delete(upstream));
				upstream.on('error', () => upstream.destroy());
				client.on('close', () => upstream.destroy());
				upstream.on('close', () => client.destroy());
				client.pipe(upstream);
				upstream.pipe(client);
				client.resume();
			});
			upstream.once('error', () => {
				if (!connected) attempt(tries + 1);
			});
		};
		attempt(0);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			const address = server.address();
			resolve({
				port: typeof address === 'object' && address ? address.port : port,
				close: () =>
					new Promise((done) => {
						for (const socket of open) socket.destroy();
						server.close(() => done(undefined));
					})
			});
		});
	});
}
