/**
 * After the whole browser run: the server's output (scripts/e2e-server.js writes it to
 * test-results/e2e-server.log) must not name any demo client. Client data belongs in the
 * database and the audit log, never in logs that are kept, shipped and read without either's
 * protection (DESIGN.md §7, docs/security.md "Logs and addresses").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CLIENT_NAMES } from '../../src/lib/server/db/seed-demo';

export const SERVER_LOG = join(process.cwd(), 'test-results', 'e2e-server.log');

/** The demo clients' names found in `text`, case-insensitively. */
export function clientNamesIn(text: string): string[] {
	const lower = text.toLocaleLowerCase('sv');
	return DEMO_CLIENT_NAMES.filter((name) => lower.includes(name.toLocaleLowerCase('sv')));
}

export default function checkServerLog(): void {
	if (!existsSync(SERVER_LOG)) throw new Error(`no server log at ${SERVER_LOG}`);
	const found = clientNamesIn(readFileSync(SERVER_LOG, 'utf8'));
	if (found.length > 0) {
		throw new Error(
			`The server's output names demo clients (${found.join(', ')}); see ${SERVER_LOG}`
		);
	}
}
