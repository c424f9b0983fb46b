/**
 * The round-robin balancer of `npm run cluster` (scripts/balancer.js): connections go to the
 * processes in turn, one that refuses is skipped, and WebSocket upgrades pass through.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startBalancer } from '../../scripts/balancer.js';

type Balancer = Awaited<ReturnType<typeof startBalancer>>;

const servers: Server[] = [];
let balancer: Balancer | undefined;

afterEach(async () => {
	await balancer?.close();
	balancer = undefined;
	await Promise.all(
		servers.splice(0).map((s) => {
			s.closeAllConnections();
			return new Promise((r) => s.close(r));
		})
	);
});

/** A backend that answers its name, and echoes it on a WebSocket. */
async function backend(name: string): Promise<number> {
	const server = createServer((_req, res) => {
		res.setHeader('connection', 'close');
		res.end(name);
	});
	const wss = new WebSocketServer({ server });
	wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`${name}:${String(data)}`)));
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	return typeof address === 'object' && address ? address.port : 0;
}

const get = (port: number) =>
	fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).then((r) => r.text());

describe('the cluster balancer', () => {
	it('sends connections to the processes in turn, and past one that is down', async () => {
		const a = await backend('a');
		const b = await backend('b');
		// A port nobody listens on: the balancer tries the next.
		const closed = await backend('gone');
		await new Promise((r) => servers.pop()!.close(r));
		balancer = await startBalancer({
			port: 0,
			backends: [a, closed, b].map((port) => ({ host: '127.0.0.1', port }))
		});
		const answers: string[] = [];
		for (let i = 0; i < 6; i++) answers.push(await get(balancer.port));
		expect(new Set(answers)).toEqual(new Set(['a', 'b']));
		expect(answers.filter((x) => x === 'a').length).toBeGreaterThanOrEqual(2);
		expect(answers.filter((x) => x === 'b').length).toBeGreaterThanOrEqual(2);
	});

	it('passes a WebSocket through both ways', async () => {
		const a = await backend('a');
		balancer = await startBalancer({ port: 0, backends: [{ host: '127.0.0.1', port: a }] });
		const ws = new WebSocket(`ws://127.0.0.1:${balancer.port}/`);
		await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
		const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
		ws.send('hello');
		expect(await reply).toBe('a:hello');
		ws.close();
	});
});
