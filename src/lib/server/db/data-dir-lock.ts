/**
 * One process per embedded database directory. PGlite runs the database inside the process
 * that opened it and writes the directory's files on its own schedule: a second process on the
 * same directory would work on a copy and overwrite the first one's files, corrupting the
 * database. So the directory gets a lock file naming its process, created exclusively; several
 * processes share one database only through PostgreSQL (`DATABASE_URL`).
 *
 * A lock whose process is gone (killed, or the machine restarted) is taken over: the file
 * records the process id, the machine's boot id and that the process is Node, and a lock is
 * live only while a Node process with that id runs in the same boot.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'ramtavlan.lock';

export class DataDirInUseError extends Error {
	constructor(
		readonly dir: string,
		readonly pid: number
	) {
		super(
			`The database in ${dir} is in use by another process (pid ${pid}). PGlite serves one ` +
				'process: stop that one first, or run several processes on PostgreSQL (DATABASE_URL).'
		);
		this.name = 'DataDirInUseError';
	}
}

interface LockRecord {
	pid: number;
	bootId: string | null;
}

const held = new Set<string>();

function bootId(): string | null {
	try {
		return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
	} catch {
		return null;
	}
}

/** Whether the process that wrote `record` still runs (as Node, in this boot). */
function isLive(record: LockRecord): boolean {
	if (!Number.isInteger(record.pid) || record.pid <= 0) return false;
	const boot = bootId();
	if (record.bootId && boot && record.bootId !== boot) return false;
	try {
		process.kill(record.pid, 0);
	} catch (error) {
		// EPERM: it runs, as somebody else.
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	try {
		return readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').includes('node');
	} catch {
		// No /proc (macOS): the process id is all there is to go by.
		return true;
	}
}

function readRecord(path: string): LockRecord | null {
	try {
		const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
		return { pid: Number(parsed.pid), bootId: parsed.bootId ?? null };
	} catch {
		return null;
	}
}

/**
 * Takes the directory's lock for this process, or throws DataDirInUseError when another live
 * process (or this one, a second time) holds it. Returns the release, which is also done when
 * the process exits.
 */
export function lockDataDir(dir: string): () => void {
	const absolute = resolve(dir);
	const path = join(absolute, LOCK_FILE);
	if (held.has(path)) throw new DataDirInUseError(dir, process.pid);
	const record: LockRecord = { pid: process.pid, bootId: bootId() };
	for (let attempt = 0; ; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			try {
				writeSync(fd, JSON.stringify(record));
			} finally {
				closeSync(fd);
			}
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
			const current = readRecord(path);
			if (current && isLive(current)) throw new DataDirInUseError(dir, current.pid);
			// Left by a process that is gone: take it over.
			rmSync(path, { force: true });
		}
	}
	held.add(path);
	const release = () => {
		if (!held.delete(path)) return;
		process.off('exit', release);
		if (readRecord(path)?.pid === process.pid) rmSync(path, { force: true });
	};
	process.on('exit', release);
	return release;
}
