/**
 * A small TCP proxy between devices and the server, to play the network of a home-care
 * worker's day: delay (a slow mobile link), pause (a tunnel: nothing moves, nothing breaks),
 * drop (connections reset), offline (no network at all: connections refused until `online()`)
 * and half-open (the device is gone without a word: the server's side stays open and silent).
 * Bytes keep their order in each direction whatever the delay.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

interface Direction {
	to: Socket;
	queue: { chunk: Buffer; at: number }[];
	timer: ReturnType<typeof setTimeout> | null;
	lastAt: number;
}

interface Pair {
	client: Socket;
	upstream: Socket;
	up: Direction;
	down: Direction;
}

export class TcpProxy {
	private readonly pairs = new Set<Pair>();
	private delay: [number, number] = [0, 0];
	private paused = false;
	private refusing = false;
	private silent = false;
	/** Connections accepted so far (a reconnecting device opens a new one). */
	connections = 0;

	private constructor(
		private readonly server: Server,
		readonly port: number
	) {}

	/** A proxy on a free port of 127.0.0.1 forwarding to `targetPort`. */
	static async start(targetPort: number): Promise<TcpProxy> {
		const server = createServer((client) => proxy.accept(client, targetPort));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.address();
		const proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
		return proxy;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	private accept(client: Socket, targetPort: number): void {
		if (this.refusing) {
			client.destroy();
			return;
		}
		this.connections++;
		const upstream = connect(targetPort, '127.0.0.1');
		client.setNoDelay(true);
		upstream.setNoDelay(true);
		const direction = (to: Socket): Direction => ({ to, queue: [], timer: null, lastAt: 0 });
		const pair: Pair = { client, upstream, up: direction(upstream), down: direction(client) };
		this.pairs.add(pair);
		client.on('data', (chunk) => this.carry(pair.up, chunk));
		upstream.on('data', (chunk) => this.carry(pair.down, chunk));
		const end = () => {
			// A half-open connection stays open on the server's side whatever the device does.
			if (this.silent) return;
			this.closePair(pair);
		};
		client.on('close', end);
		upstream.on('close', end);
		client.on('error', end);
		upstream.on('error', end);
	}

	private carry(direction: Direction, chunk: Buffer): void {
		if (this.silent) return;
		const [min, max] = this.delay;
		const wait = min + Math.random() * (max - min);
		// In order: never before the chunk ahead of it.
		const at = Math.max(performance.now() + wait, direction.lastAt);
		direction.lastAt = at;
		direction.queue.push({ chunk, at });
		this.pump(direction);
	}

	private pump(direction: Direction): void {
		if (direction.timer || this.paused) return;
		while (direction.queue.length > 0) {
			const head = direction.queue[0];
			const wait = head.at - performance.now();
			if (wait > 0) {
				direction.timer = setTimeout(() => {
					direction.timer = null;
					this.pump(direction);
				}, wait);
				return;
			}
			direction.queue.shift();
			if (!direction.to.destroyed) direction.to.write(head.chunk);
		}
	}

	private closePair(pair: Pair): void {
		if (!this.pairs.delete(pair)) return;
		for (const d of [pair.up, pair.down]) {
			if (d.timer) clearTimeout(d.timer);
			d.queue = [];
		}
		pair.client.destroy();
		pair.upstream.destroy();
	}

	/** Every chunk waits `min`–`max` ms (in order). */
	setDelay(min: number, max = min): void {
		this.delay = [min, max];
	}

	/** Nothing moves in either direction, nothing is closed; `resume()` delivers it all. */
	pause(): void {
		this.paused = true;
	}

	resume(): void {
		this.paused = false;
		for (const pair of this.pairs) {
			this.pump(pair.up);
			this.pump(pair.down);
		}
	}

	/** Resets every open connection; new ones are accepted. */
	drop(): void {
		for (const pair of [...this.pairs]) this.closePair(pair);
	}

	/** No network: open connections reset, new ones refused until `online()`. */
	offline(): void {
		this.refusing = true;
		this.drop();
	}

	online(): void {
		this.refusing = false;
	}

	/**
	 * The devices vanish without a word: from now on nothing is carried and nothing is closed,
	 * so the server's side of every open connection stays open and hears nothing. New
	 * connections are refused.
	 */
	halfOpen(): void {
		this.silent = true;
		this.refusing = true;
		for (const pair of this.pairs) {
			for (const d of [pair.up, pair.down]) {
				if (d.timer) clearTimeout(d.timer);
				d.timer = null;
				d.queue = [];
			}
			// The device's end is gone; the server's end is left as it is.
			pair.client.destroy();
		}
	}

	async close(): Promise<void> {
		this.silent = false;
		for (const pair of [...this.pairs]) this.closePair(pair);
		await new Promise((resolve) => this.server.close(resolve));
	}
}
