/**
 * Configuration from the environment (see README and .env.example). Read once at start
 * and passed on; nothing else reads process.env.
 */
import { tabletIdleMinutes } from '$lib/domain/tablet-pin';

export interface AppConfig {
	port: number;
	/** Directory of the embedded PGlite database. */
	dataDir: string;
	/** `postgres://…` switches from PGlite to a PostgreSQL server. */
	databaseUrl: string | undefined;
	/** Origins allowed to post, call the JSON API and open sockets. */
	allowedOrigins: string[];
	/** Seed the demo organisation into an empty database at start. */
	seedDemo: boolean;
	/** A team tablet locks after this many idle minutes (TABLET_IDLE_MINUTES, default 5). */
	tabletIdleMinutes: number;
	/**
	 * One of several processes on the same PostgreSQL (CLUSTER_SECRET set): the secret they
	 * share, the address the others reach this one at (INTERNAL_URL), and Redis for socket.io's
	 * events where the organisation runs it (REDIS_URL; PostgreSQL otherwise).
	 */
	cluster: { secret: string; internalUrl: string; redisUrl?: string } | null;
}

/** The cluster settings, or null for a process of its own; throws on settings that cannot work. */
function clusterFromEnv(
	env: Record<string, string | undefined>,
	port: number,
	databaseUrl: string | undefined
): AppConfig['cluster'] {
	const secret = env.CLUSTER_SECRET?.trim();
	if (!secret) return null;
	if (!databaseUrl) {
		throw new Error('CLUSTER_SECRET needs DATABASE_URL: several processes share PostgreSQL');
	}
	if (secret.length < 16) throw new Error('CLUSTER_SECRET must be at least 16 characters');
	const internalUrl = (env.INTERNAL_URL?.trim() || `http://127.0.0.1:${port}`).replace(/\/$/, '');
	if (!/^https?:\/\/[^/]+$/.test(internalUrl) || /:0$/.test(internalUrl)) {
		throw new Error(`INTERNAL_URL must be http(s)://host:port, not "${internalUrl}"`);
	}
	const redisUrl = env.REDIS_URL?.trim() || undefined;
	if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
		throw new Error(`REDIS_URL must be redis://… or rediss://…, not "${redisUrl}"`);
	}
	return { secret, internalUrl, ...(redisUrl ? { redisUrl } : {}) };
}

export function configFromEnv(env: Record<string, string | undefined> = process.env): AppConfig {
	const port = Number(env.PORT ?? 3000);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`PORT must be a port number, not "${env.PORT}"`);
	}
	const databaseUrl = env.DATABASE_URL?.trim() || undefined;
	const origins = new Set<string>();
	for (const o of (env.ALLOWED_ORIGINS ?? '').split(',')) if (o.trim()) origins.add(o.trim());
	if (env.ORIGIN?.trim()) origins.add(env.ORIGIN.trim());
	if (!env.ALLOWED_ORIGINS) {
		for (const host of ['localhost', '127.0.0.1']) {
			origins.add(`http://${host}:${port}`);
			if (env.NODE_ENV !== 'production') origins.add(`http://${host}:5173`);
		}
	}
	const seed = env.SEED_DEMO?.trim().toLowerCase();
	return {
		port,
		dataDir: env.DATA_DIR?.trim() || './data',
		databaseUrl,
		allowedOrigins: [...origins],
		seedDemo: seed === undefined || seed === '' ? !databaseUrl : seed === 'true' || seed === '1',
		tabletIdleMinutes: tabletIdleMinutes(env.TABLET_IDLE_MINUTES),
		cluster: clusterFromEnv(env, port, databaseUrl)
	};
}
