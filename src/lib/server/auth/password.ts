/**
 * Argon2id password hashing (OWASP parameters: 19 MiB, 2 iterations, 1 lane — the
 * library's defaults), with a verify that never throws on a malformed stored hash.
 */
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
	return hash(password);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
	try {
		return await verify(storedHash, password);
	} catch {
		return false;
	}
}

/**
 * A hash of a password nobody has, verified when the username is unknown, so a wrong
 * username takes as long as a wrong password and does not reveal who has an account.
 */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
	decoyHash ??= hash('decoy-' + crypto.randomUUID());
	return decoyHash;
}
