/**
 * The outbox as runes state, for components: the items in send order and how many the server
 * does not hold yet. It re-reads the outbox after every change; all logic stays in `Outbox`.
 */
import type { Outbox, OutboxItem } from './outbox';

export class OutboxView {
	items = $state.raw<OutboxItem[]>([]);
	pending = $state(0);

	readonly #unsubscribe: () => void;

	constructor(outbox: Outbox) {
		const read = () => {
			this.items = outbox.items();
			this.pending = outbox.pending();
		};
		read();
		this.#unsubscribe = outbox.subscribe(read);
	}

	/** Stops following the outbox; the outbox itself goes on. */
	destroy(): void {
		this.#unsubscribe();
	}
}
