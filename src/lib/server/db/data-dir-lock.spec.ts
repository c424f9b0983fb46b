import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from './client';
import { rowsOf } from './rows';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
	for (const child of children.splice(0)) child.kill('SIGKILL');
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
	const dir = mkdtempSync(join(tmpdir(), 'ramtavlan-lock-'));
	dirs.push(dir);
	return dir;
}

/** Another Node process holding the lock of `dir`, as a second `npm start` would. */
async function otherProcessLocking(dir: string): Promise<ChildProcess> {
	const module = resolve(import.meta.dirname, 'data-dir-lock.ts');
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'--input-type=module',
			'-e',
			`const { lockDataDir } = await import(${JSON.stringify(module)});
			lockDataDir(${JSON.stringify(dir)});
			console.log('locked');
			setInterval(() => {}, 1000);`
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	children.push(child);
	await new Promise<void>((ready, failed) => {
		child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && ready());
		child.once('exit', (code) => failed(new Error(`the other process ended (${code})`)));
	});
	return child;
}

describe('one process per embedded database directory', () => {
	it('refuses a second process on the same directory with a message that says what to do', async () => {
		const dir = tempDir();
		const other = await otherProcessLocking(dir);
		const opening = openDatabase({ dataDir: dir });
		await expect(opening).rejects.toBeInstanceOf(DataDirInUseError);
		await expect(opening).rejects.toThrow(
			`The database in ${dir} is in use by another process (pid ${other.pid}).`
		);
		await expect(opening).rejects.toThrow(/PostgreSQL \(DATABASE_URL\)/);
	});

	it('takes over the lock of a process that was killed', async () => {
		const dir = tempDir();
		const other = await otherProcessLocking(dir);
		const exited = new Promise((done) => other.once('exit', done));
		other.kill('SIGKILL');
		await exited;
		expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
		const handle = await openDatabase({ dataDir: dir });
		try {
			expect(rowsOf(await handle.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
		} finally {
			await handle.close();
		}
		// Closed: the directory is free for the next process.
		expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
	}, 60_000);

	it('refuses the same directory twice in one process, and frees it on release', () => {
		const dir = tempDir();
		const release = lockDataDir(dir);
		expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
		release();
		lockDataDir(dir)();
	});

	it('treats a lock from another boot or a process that is not Node as stale', () => {
		const dir = tempDir();
		const path = join(dir, LOCK_FILE);
		// A process id that runs, but not Node: an id reused after a crash.
		const sleeper = spawn('sleep', ['30']);
		children.push(sleeper);
		writeFileSync(path, JSON.stringify({ pid: sleeper.pid, bootId: null }));
		expect(() => lockDataDir(dir)()).not.toThrow();
		writeFileSync(path, JSON.stringify({ pid: process.ppid, bootId: 'another-boot' }));
		expect(() => lockDataDir(dir)()).not.toThrow();
		writeFileSync(path, 'not json');
		expect(() => lockDataDir(dir)()).not.toThrow();
		// A live Node process of this boot is not stale.
		writeFileSync(path, JSON.stringify({ pid: process.ppid, bootId: null }));
		expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
	});
});
