import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';

const PG = 'postgres://app@db.internal/ramtavlan';
const SECRET = 'a-secret-of-24-characters';

describe('cluster settings', () => {
	it('leave a process on its own without CLUSTER_SECRET', () => {
		expect(configFromEnv({ DATABASE_URL: PG }).cluster).toBeNull();
		expect(configFromEnv({}).cluster).toBeNull();
	});

	it('make a process one of a cluster, reached on its own port unless INTERNAL_URL says otherwise', () => {
		expect(
			configFromEnv({ DATABASE_URL: PG, CLUSTER_SECRET: SECRET, PORT: '3002' }).cluster
		).toEqual({ secret: SECRET, internalUrl: 'http://127.0.0.1:3002' });
		expect(
			configFromEnv({
				DATABASE_URL: PG,
				CLUSTER_SECRET: SECRET,
				INTERNAL_URL: 'http://10.0.0.12:3000/'
			}).cluster?.internalUrl
		).toBe('http://10.0.0.12:3000');
	});

	it('take Redis for socket.io events when REDIS_URL is given', () => {
		expect(
			configFromEnv({ DATABASE_URL: PG, CLUSTER_SECRET: SECRET, REDIS_URL: 'redis://cache:6379' })
				.cluster?.redisUrl
		).toBe('redis://cache:6379');
		expect(() =>
			configFromEnv({ DATABASE_URL: PG, CLUSTER_SECRET: SECRET, REDIS_URL: 'cache:6379' })
		).toThrow(/REDIS_URL/);
	});

	it('refuse settings a cluster cannot work with, saying which', () => {
		expect(() => configFromEnv({ CLUSTER_SECRET: SECRET })).toThrow(/DATABASE_URL/);
		expect(() => configFromEnv({ DATABASE_URL: PG, CLUSTER_SECRET: 'short' })).toThrow(/16/);
		expect(() => configFromEnv({ DATABASE_URL: PG, CLUSTER_SECRET: SECRET, PORT: '0' })).toThrow(
			/INTERNAL_URL/
		);
		expect(() =>
			configFromEnv({ DATABASE_URL: PG, CLUSTER_SECRET: SECRET, INTERNAL_URL: 'ws://x:1/path' })
		).toThrow(/INTERNAL_URL/);
	});
});
