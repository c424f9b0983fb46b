import type { SessionUser, SessionInfo } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: SessionInfo | null;
		}
		interface Error {
			message: string;
			/** Set for unexpected errors: the id of the server log's line about it. */
			errorId?: string;
		}
	}
}

export {};
