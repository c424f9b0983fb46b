/**
 * The outbox's storage in the browser: one IndexedDB database, `ramtavlan-outbox`, with one
 * object store, `items`, keyed by the item's idempotency key. Writes use strict durability
 * and resolve when their transaction completes, so an item `enqueue` reported as kept is on
 * disk, not only in the browser's write cache.
 */
import type { OutboxItem, OutboxStorage } from './outbox';

export const OUTBOX_DB_NAME = 'ramtavlan-outbox';
const STORE = 'items';
const VERSION = 1;

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

function completion(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error);
		tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
	});
}

export class IndexedDbOutboxStorage implements OutboxStorage {
	readonly #factory: IDBFactory;
	#db: Promise<IDBDatabase> | null = null;

	constructor(factory: IDBFactory = indexedDB) {
		this.#factory = factory;
	}

	async load(): Promise<OutboxItem[]> {
		const db = await this.#open();
		const tx = db.transaction(STORE, 'readonly');
		const [items] = await Promise.all([
			requestResult(tx.objectStore(STORE).getAll() as IDBRequest<OutboxItem[]>),
			completion(tx)
		]);
		return items;
	}

	put(item: OutboxItem): Promise<void> {
		return this.#write((store) => store.put(item));
	}

	remove(key: string): Promise<void> {
		return this.#write((store) => store.delete(key));
	}

	clear(): Promise<void> {
		return this.#write((store) => store.clear());
	}

	/** Closes the connection; the next call opens it again. */
	close(): void {
		const db = this.#db;
		this.#db = null;
		void db?.then((d) => d.close()).catch(() => undefined);
	}

	async #write(change: (store: IDBObjectStore) => void): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
		change(tx.objectStore(STORE));
		await completion(tx);
	}

	#open(): Promise<IDBDatabase> {
		if (this.#db) return this.#db;
		const request = this.#factory.open(OUTBOX_DB_NAME, VERSION);
		request.onupgradeneeded = () => {
			if (!request.result.objectStoreNames.contains(STORE)) {
				request.result.createObjectStore(STORE, { keyPath: 'key' });
			}
		};
		const opened = requestResult(request).then((db) => {
			// Let `deleteOutboxDatabase` (this tab or another) go ahead; reopen on next use.
			db.onversionchange = () => {
				db.close();
				if (this.#db === opened) this.#db = null;
			};
			db.onclose = () => {
				if (this.#db === opened) this.#db = null;
			};
			return db;
		});
		opened.catch(() => {
			if (this.#db === opened) this.#db = null;
		});
		this.#db = opened;
		return opened;
	}
}

/**
 * Deletes the outbox database (logout). Open connections of this module close themselves
 * when asked, so the deletion does not stay blocked by another tab of the app.
 */
export function deleteOutboxDatabase(factory: IDBFactory = indexedDB): Promise<void> {
	return new Promise((resolve, reject) => {
		const request = factory.deleteDatabase(OUTBOX_DB_NAME);
		request.onsuccess = () => resolve();
		request.onerror = () => reject(request.error);
	});
}
