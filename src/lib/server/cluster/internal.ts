/**
 * Requests one process of a cluster makes to another on a person's behalf: a board socket or
 * a command of a team it does not serve. They carry the person's own cookie, Origin and user
 * agent, so the owner authenticates and authorises the person exactly as for a direct
 * request, plus the cluster's shared secret, which marks them as forwarded once already.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const CLUSTER_HEADER = 'x-ramtavlan-cluster';
/** Path of the commands one process forwards to the owner of a team's boards. */
export const COMMAND_PATH = '/_cluster/command';

/** The person's headers a forwarded request keeps. */
const KEPT = ['cookie', 'origin', 'user-agent', 'accept-language'] as const;

export function forwardedHeaders(
	headers: IncomingHttpHeaders,
	secret: string
): Record<string, string> {
	const out: Record<string, string> = { [CLUSTER_HEADER]: secret };
	for (const name of KEPT) {
		const value = headers[name];
		if (typeof value === 'string') out[name] = value;
	}
	return out;
}

/** Whether a request was forwarded by another process of the cluster (knows the secret). */
export function isForwarded(headers: IncomingHttpHeaders, secret: string | undefined): boolean {
	const given = headers[CLUSTER_HEADER];
	if (!secret || typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(secret);
	return a.length === b.length && timingSafeEqual(a, b);
}
