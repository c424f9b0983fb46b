/**
 * The advisory lock that makes one process the authority for a team's boards: the keys are
 * computed the same way in every process (and in the board store's write fence).
 */
import { createHash } from 'node:crypto';

/** First key of every board lock ("RTBD"), so the database's other advisory locks never clash. */
export const LOCK_NAMESPACE = 0x5254_4244;

/** The second lock key of a team: 31 bits of its id's SHA-256. */
export function teamKey(teamId: string): number {
	return createHash('sha256').update(teamId).digest().readUInt32BE(0) & 0x7fff_ffff;
}
