/**
 * Team authority on PostgreSQL: an advisory lock per team on a connection of the process's
 * own (see ownership.ts), found by other processes through `pg_locks`.
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import type { Logger } from '../realtime/room';
import { describeError } from '../realtime/samples';
import { LOCK_NAMESPACE, teamKey } from './lock-key';
import { NotOwnerError, type BoardFence, type Ownership } from './ownership';

/** `application_name` prefix of a lock connection; the rest is the process's internal address. */
export const LOCK_APPLICATION = 'ramtavlan ';

export interface PostgresOwnershipOptions {
	url: string;
	/** How other processes reach this one: `http://10.0.0.12:3000`. */
	address: string;
	/** Pool connections for the owner lookups. */
	db: Db;
	log: Logger;
	/** How often the lock connection is checked (ms). */
	checkEveryMs?: number;
	/** How long a claim looks for an owner that is just starting or just gone (ms). */
	lookupMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Team authority through advisory locks on a dedicated connection: never through a
 * transaction-mode pooler, whose sessions are not the client's.
 */
export class PostgresOwnership implements Ownership {
	readonly sole = false;
	private readonly lock: postgres.Sql;
	private readonly held = new Set<string>();
	/** Claims and releases of one team run one after the other. */
	private readonly queues = new Map<string, Promise<unknown>>();
	private readonly listeners = new Set<() => void>();
	private pid: number | null = null;
	private readonly timer: NodeJS.Timeout;
	private closed = false;

	constructor(private readonly opts: PostgresOwnershipOptions) {
		if (Buffer.byteLength(LOCK_APPLICATION + opts.address) > 63) {
			throw new Error(`the internal address ${opts.address} is longer than 53 bytes`);
		}
		this.lock = postgres(opts.url, {
			max: 1,
			// The session is the lock: never closed for being idle or old.
			idle_timeout: 0,
			max_lifetime: 0,
			connect_timeout: 10,
			onnotice: () => {},
			connection: { application_name: LOCK_APPLICATION + opts.address },
			onclose: () => this.lost('lock connection closed')
		});
		this.timer = setInterval(() => void this.check(), opts.checkEveryMs ?? 1000);
		this.timer.unref();
	}

	readonly fence: BoardFence = { lockPid: () => this.pid };

	onLost(listener: () => void): void {
		this.listeners.add(listener);
	}

	/** Every lock went with the session: the boards here must stop judging at once. */
	private lost(reason: string): void {
		if (this.pid === null && this.held.size === 0) return;
		this.pid = null;
		if (this.held.size === 0) return;
		this.opts.log.error('board authority lost; the boards here are closed', {
			reason,
			teams: this.held.size
		});
		this.held.clear();
		for (const listener of this.listeners) listener();
	}

	/** The lock session's pid now; a new one means the old session (and its locks) are gone. */
	private async sessionPid(): Promise<number> {
		const [row] = await this.lock<{ pid: number }[]>`select pg_backend_pid() as pid`;
		if (this.pid !== null && row.pid !== this.pid) this.lost('lock connection replaced');
		this.pid = row.pid;
		return row.pid;
	}

	private async check(): Promise<void> {
		if (this.closed || this.held.size === 0) return;
		try {
			await this.sessionPid();
		} catch (error) {
			this.lost(describeError(error));
		}
	}

	private serial<T>(teamId: string, work: () => Promise<T>): Promise<T> {
		const run = (this.queues.get(teamId) ?? Promise.resolve()).then(work, work);
		const tail = run.catch(() => {});
		this.queues.set(teamId, tail);
		void tail.then(() => {
			if (this.queues.get(teamId) === tail) this.queues.delete(teamId);
		});
		return run;
	}

	claim(teamId: string): Promise<void> {
		if (this.held.has(teamId)) return Promise.resolve();
		return this.serial(teamId, async () => {
			const deadline = Date.now() + (this.opts.lookupMs ?? 2000);
			for (;;) {
				if (this.closed) throw new Error('shutting down');
				if (this.held.has(teamId)) return;
				await this.sessionPid();
				const [row] = await this.lock<{ got: boolean; pid: number }[]>`
					select pg_try_advisory_lock(${LOCK_NAMESPACE}, ${teamKey(teamId)}) as got,
						pg_backend_pid() as pid`;
				if (row.pid !== this.pid) {
					this.lost('lock connection replaced');
					continue;
				}
				if (row.got) {
					this.held.add(teamId);
					return;
				}
				const owner = await this.ownerOf(teamId);
				if (owner && owner !== this.opts.address) throw new NotOwnerError(teamId, owner);
				// Held by a session that is ending, or by one without an address: look again.
				if (Date.now() > deadline) throw new NotOwnerError(teamId, null);
				await sleep(50);
			}
		});
	}

	release(teamId: string): Promise<void> {
		return this.serial(teamId, async () => {
			if (!this.held.delete(teamId)) return;
			try {
				await this.lock`select pg_advisory_unlock(${LOCK_NAMESPACE}, ${teamKey(teamId)})`;
			} catch (error) {
				// The session is gone, and the lock with it.
				this.opts.log.warn('board lock release failed', { error: describeError(error) });
			}
		});
	}

	/** The internal address of the process holding `teamId`'s lock, if any. */
	async ownerOf(teamId: string): Promise<string | null> {
		const result = await this.opts.db.execute(sql`
			select a.application_name as name
			from pg_locks l join pg_stat_activity a on a.pid = l.pid
			where l.locktype = 'advisory' and l.granted
				and l.database = (select oid from pg_database where datname = current_database())
				and l.classid = ${LOCK_NAMESPACE}::oid and l.objid = ${teamKey(teamId)}::oid
				and l.objsubid = 2
			limit 1`);
		const name = rowsOf<{ name: string | null }>(result)[0]?.name ?? '';
		return name.startsWith(LOCK_APPLICATION) ? name.slice(LOCK_APPLICATION.length) : null;
	}

	async close(): Promise<void> {
		this.closed = true;
		clearInterval(this.timer);
		this.held.clear();
		this.listeners.clear();
		await this.lock.end({ timeout: 2 });
	}
}
