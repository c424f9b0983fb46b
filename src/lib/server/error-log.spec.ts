import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { logServerError } from './error-log';

const NAME = 'Greta Lindqvist';

function capture() {
	const lines: string[] = [];
	return { lines, write: (line: string) => lines.push(line) };
}

describe('logServerError', () => {
	it("logs a failed statement's route and kind, never its values", () => {
		const cause = new postgres.PostgresError({
			message: 'duplicate key value violates unique constraint "client_name_key"',
			code: '23505',
			detail: `Key (name)=(${NAME}) already exists.`
		} as never);
		const error = new DrizzleQueryError('insert into client (name) values ($1)', [NAME], cause);
		const log = capture();
		const answer = logServerError(
			error,
			{ method: 'POST', routeId: '/manager/clients' },
			500,
			'Internal Error',
			log.write
		);
		expect(log.lines).toHaveLength(1);
		expect(log.lines[0]).toContain('POST /manager/clients failed with 500');
		expect(log.lines[0]).toContain('client_name_key');
		expect(log.lines[0]).toContain(answer.errorId);
		expect(log.lines.join('\n')).not.toContain(NAME);
		expect(log.lines.join('\n')).not.toContain('Lindqvist');
		// The person sees SvelteKit's generic message and the id to quote.
		expect(answer).toEqual({
			message: 'Internal Error',
			errorId: expect.stringMatching(/^[0-9a-f]{8}$/)
		});
	});

	it('gives every error its own id and keeps quiet about pages that do not exist', () => {
		const log = capture();
		const a = logServerError(new Error('x'), { method: 'GET', routeId: null }, 500, 'm', log.write);
		const b = logServerError(new Error('x'), { method: 'GET', routeId: null }, 500, 'm', log.write);
		expect(a.errorId).not.toBe(b.errorId);
		logServerError(
			new Error('Not found: /nope'),
			{ method: 'GET', routeId: null },
			404,
			'Not Found',
			log.write
		);
		expect(log.lines).toHaveLength(2);
	});
});
