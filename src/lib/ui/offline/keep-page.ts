/**
 * Asks the service worker to keep the page now shown for use without reception. Pages it
 * serves are kept anyway; this covers the very first visit, which loads before the worker
 * controls the page. Harmless where there is no service worker.
 */
export function keepThisPage(): void {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !navigator.onLine) {
		return;
	}
	void navigator.serviceWorker.ready.then((registration) =>
		registration.active?.postMessage({ type: 'keep-page', url: location.href })
	);
}
