/**
 * The answer when there is no network and no kept copy. The service worker has no locale
 * of its own (no cookies, no Paraglide runtime), so the text is in the base language,
 * Swedish.
 */
import type { RequestKind } from './sw-routes';

export const OFFLINE_MESSAGE = 'Ingen uppkoppling – sidan finns inte sparad på den här enheten.';

const OFFLINE_PAGE = `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="theme-color" content="#1d4f4a" />
<title>Ingen uppkoppling – Ramtavlan</title>
<style>
body { margin: 0; font: 1.125rem/1.5 system-ui, sans-serif; color: #1c2321; background: #f5f3ee; }
main { max-width: 32rem; margin: 15vh auto; padding: 1.5rem; }
h1 { color: #1d4f4a; font-size: 1.5rem; }
a { display: inline-block; min-height: 44px; padding: 0.6rem 1.2rem; border-radius: 10px;
	background: #1d4f4a; color: #fff; text-decoration: none; font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Ingen uppkoppling</h1>
<p>Den här sidan finns inte sparad på enheten. Den öppnas när enheten har kontakt med
servern igen. Sidor du har öppnat tidigare går att visa utan uppkoppling.</p>
<p><a href="">Försök igen</a></p>
</main>
</body>
</html>
`;

/**
 * 503, so nothing mistakes it for the page. A data request gets the message as SvelteKit
 * reads an error from `__data.json` (a JSON string), so the app's error page shows it.
 */
export function offlineResponse(kind: Exclude<RequestKind, 'shell' | 'bypass'>): Response {
	if (kind === 'data') {
		return new Response(JSON.stringify(OFFLINE_MESSAGE), {
			status: 503,
			headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
		});
	}
	return new Response(OFFLINE_PAGE, {
		status: 503,
		headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
	});
}
