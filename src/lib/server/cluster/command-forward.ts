/**
 * Board commands of a team another process serves: the process the device is connected to
 * sends the command to the owner with the person's headers (internal.ts), and the owner runs
 * it as if the device had sent it there. Every command carries an idempotency key, so one cut
 * off after the owner ran it is answered from its receipt when the device sends it again.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Ack } from '$lib/realtime/protocol';
import { COMMAND_PATH, forwardedHeaders } from './internal';

/** A command is a few KB; a signal and a note at most. */
const MAX_BODY = 64 * 1024;

export async function forwardCommand(
	owner: string,
	secret: string,
	headers: IncomingHttpHeaders,
	command: string,
	payload: unknown
): Promise<Ack<object>> {
	const response = await fetch(owner + COMMAND_PATH, {
		method: 'POST',
		headers: { ...forwardedHeaders(headers, secret), 'content-type': 'application/json' },
		body: JSON.stringify({ command, payload }),
		signal: AbortSignal.timeout(15_000)
	});
	if (response.status === 401) return { ok: false, error: 'unauthorized' };
	if (response.status === 403) return { ok: false, error: 'forbidden' };
	if (!response.ok) return { ok: false, error: 'internal' };
	return (await response.json()) as Ack<object>;
}

function readBody(req: IncomingMessage): Promise<string | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.byteLength;
			if (size > MAX_BODY) {
				resolve(null);
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function reply(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store'
	});
	res.end(text);
}

/**
 * Answers a forwarded command at the owner: `run` authenticates the person from the headers
 * and runs the command (null: no valid session).
 */
export async function serveForwardedCommand(
	req: IncomingMessage,
	res: ServerResponse,
	run: (command: string, payload: unknown) => Promise<Ack<object> | 'unauthorized' | 'forbidden'>
): Promise<void> {
	if (req.method !== 'POST') return reply(res, 405, { error: 'method' });
	const text = await readBody(req);
	if (text === null) return reply(res, 413, { error: 'too large' });
	let body: { command?: unknown; payload?: unknown };
	try {
		body = JSON.parse(text) as typeof body;
	} catch {
		return reply(res, 400, { error: 'json' });
	}
	if (typeof body.command !== 'string') return reply(res, 400, { error: 'command' });
	const result = await run(body.command, body.payload);
	if (result === 'unauthorized') return reply(res, 401, { error: result });
	if (result === 'forbidden') return reply(res, 403, { error: result });
	reply(res, 200, result);
}
