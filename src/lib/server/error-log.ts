/**
 * What the server log says about an unexpected error in a page or an endpoint. A database
 * error carries the statement and its values (a client's name, a note), and the log is not a
 * place for client data (HSLF-FS 2016:40): the log gets the route, the error's kind and first
 * line without values, and an id that the person's error page shows too, so a report from a
 * tablet can be matched with its line in the log.
 */
import { describeError } from './realtime/samples';

export interface LoggedError {
	message: string;
	/** Shown on the error page, and in the log line. */
	errorId: string;
}

export function logServerError(
	error: unknown,
	request: { method: string; routeId: string | null },
	status: number,
	message: string,
	write: (line: string) => void = console.error
): LoggedError {
	const errorId = crypto.randomUUID().slice(0, 8);
	// A page that does not exist is not a fault of the server.
	if (status !== 404) {
		write(
			`[app] ${request.method} ${request.routeId ?? '(no route)'} failed with ${status} ` +
				`(error ${errorId}): ${describeError(error)}`
		);
	}
	return { message, errorId };
}
