/**
 * What logging out clears on the device — its copy of the boards, the reports waiting to be
 * sent and the pages kept for use without reception — so the next person sees nothing.
 *
 * Each step is bounded: a browser can hold an IndexedDB deletion back while a connection to
 * the database is still open (another tab, a page closing), and logging out must not hang on
 * it. Whatever a step could not clear in time is cleared again on the page the logout lands on,
 * once this page's own connections are gone.
 */
import { clearLocalBoards, unsavedBoards } from '$lib/ui/board/board-store.svelte';
import { clearOfflineCaches } from '$lib/ui/offline/caches';
import { clearReports, unsentReports } from '$lib/ui/offline/device-outbox';
import { within } from './within';

/** How long one step may take before logging out goes on without it. */
export const FORGET_STEP_MS = 3000;

/** Board changes and reports on this device that the server does not hold yet. */
export async function unsentOnDevice(ms = FORGET_STEP_MS): Promise<number> {
	return unsavedBoards() + (await within(unsentReports(), ms, 0));
}

/** Clears the device's boards, reports and kept pages; never takes much longer than `ms`. */
export async function forgetDevice(ms = FORGET_STEP_MS): Promise<void> {
	await Promise.all([
		within(clearLocalBoards(), ms, undefined),
		within(clearReports(), ms, undefined),
		within(clearOfflineCaches(), ms, undefined)
	]);
}

/** Set by the logout just before it leaves, read by the page it lands on (this tab only). */
const FORGET_AGAIN = 'ramtavlan:forget-again';

/** Clears the device, and asks the next page to clear it once more. */
export async function forgetDeviceAtLogout(): Promise<void> {
	await forgetDevice();
	try {
		sessionStorage.setItem(FORGET_AGAIN, '1');
	} catch {
		// Storage refused (private mode): the first clearing is all there is.
	}
}

/** On the page a logout lands on: clears once more what the last page could not. */
export async function forgetAgainAfterLogout(): Promise<void> {
	try {
		if (sessionStorage.getItem(FORGET_AGAIN) !== '1') return;
		sessionStorage.removeItem(FORGET_AGAIN);
	} catch {
		return;
	}
	await forgetDevice();
}
