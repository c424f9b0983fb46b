/**
 * Drag and drop for the board with one pointer model for mouse, pen and touch. A finger
 * starts a drag only after a long press, so swiping still scrolls the board; a mouse starts
 * after a small movement. Every drag has a tap alternative (the visit sheet), WCAG 2.5.7.
 */

export interface DragSource {
	visitId: string;
	/** The column the card was taken from: a staff id, or null for "Att fördela". */
	from: string | null;
	label: string;
}

export interface DropTarget {
	staffId: string | null;
	dayPart: string;
}

const LONG_PRESS_MS = 350;
const MOUSE_THRESHOLD_PX = 6;
const TOUCH_SLOP_PX = 10;

export function dropZoneKey(target: DropTarget): string {
	return `${target.staffId ?? ''}|${target.dayPart}`;
}

function parseZone(key: string | undefined): DropTarget | null {
	if (!key) return null;
	const [staffId, dayPart] = key.split('|');
	if (!dayPart) return null;
	return { staffId: staffId || null, dayPart };
}

export class DragController {
	active = $state<(DragSource & { x: number; y: number }) | null>(null);
	overZone = $state<string | null>(null);

	#pending: {
		source: DragSource;
		startX: number;
		startY: number;
		pointerId: number;
		kind: string;
		timer: ReturnType<typeof setTimeout> | null;
		element: HTMLElement;
	} | null = null;
	#suppressClick = false;

	constructor(private readonly ondrop: (source: DragSource, target: DropTarget) => void) {}

	/** Attach to a card's pointerdown. */
	pointerDown(event: PointerEvent, source: DragSource): void {
		if (event.button !== 0 || this.active) return;
		const element = event.currentTarget as HTMLElement;
		this.#pending = {
			source,
			startX: event.clientX,
			startY: event.clientY,
			pointerId: event.pointerId,
			kind: event.pointerType,
			timer: null,
			element
		};
		if (event.pointerType !== 'mouse') {
			this.#pending.timer = setTimeout(() => this.#start(), LONG_PRESS_MS);
		}
		window.addEventListener('pointermove', this.#onMove, { passive: false });
		window.addEventListener('pointerup', this.#onUp);
		window.addEventListener('pointercancel', this.#onCancel);
	}

	/**
	 * A Svelte action for the element holding the cards. The browser decides at the start of
	 * a touch whether it may scroll without asking the page, so the listener that stops
	 * scrolling during a drag must be in place before any touch begins.
	 */
	guard = (node: HTMLElement) => {
		const onTouchMove = (event: TouchEvent) => {
			if (this.active) event.preventDefault();
		};
		const onContextMenu = (event: Event) => {
			if (this.#pending || this.active) event.preventDefault();
		};
		node.addEventListener('touchmove', onTouchMove, { passive: false });
		node.addEventListener('contextmenu', onContextMenu);
		return {
			destroy: () => {
				node.removeEventListener('touchmove', onTouchMove);
				node.removeEventListener('contextmenu', onContextMenu);
			}
		};
	};

	/** Cards call this from their click handler: a click that ended a drag is not a tap. */
	consumeClick(): boolean {
		if (!this.#suppressClick) return false;
		this.#suppressClick = false;
		return true;
	}

	#start() {
		const pending = this.#pending;
		if (!pending) return;
		if (pending.timer) clearTimeout(pending.timer);
		pending.timer = null;
		this.active = { ...pending.source, x: pending.startX, y: pending.startY };
		try {
			pending.element.setPointerCapture(pending.pointerId);
		} catch {
			// The pointer may already be gone; the window listeners still see it.
		}
		navigator.vibrate?.(15);
	}

	#onMove = (event: PointerEvent) => {
		const pending = this.#pending;
		if (!pending || event.pointerId !== pending.pointerId) return;
		const dx = event.clientX - pending.startX;
		const dy = event.clientY - pending.startY;
		const distance = Math.hypot(dx, dy);
		if (!this.active) {
			if (pending.kind === 'mouse') {
				if (distance >= MOUSE_THRESHOLD_PX) this.#start();
				else return;
			} else {
				// Moving before the long press is a scroll, not a drag.
				if (distance > TOUCH_SLOP_PX) this.#end();
				return;
			}
		}
		event.preventDefault();
		this.active = { ...this.active!, x: event.clientX, y: event.clientY };
		const under = document.elementFromPoint(event.clientX, event.clientY);
		const zone = under?.closest<HTMLElement>('[data-drop-zone]')?.dataset.dropZone ?? null;
		this.overZone = zone;
	};

	#onUp = (event: PointerEvent) => {
		const pending = this.#pending;
		if (!pending || event.pointerId !== pending.pointerId) return;
		const active = this.active;
		const target = parseZone(this.overZone ?? undefined);
		if (active) {
			this.#suppressClick = true;
			// A click may not follow (pointer captured elsewhere); forget it soon either way.
			setTimeout(() => (this.#suppressClick = false), 400);
		}
		this.#end();
		if (active && target) this.ondrop(active, target);
	};

	#onCancel = () => this.#end();

	#end() {
		if (this.#pending?.timer) clearTimeout(this.#pending.timer);
		this.#pending = null;
		this.active = null;
		this.overZone = null;
		window.removeEventListener('pointermove', this.#onMove);
		window.removeEventListener('pointerup', this.#onUp);
		window.removeEventListener('pointercancel', this.#onCancel);
	}
}

export { parseZone };
