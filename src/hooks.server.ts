import type { Handle } from '@sveltejs/kit';

/**
 * Headers on every answer, pages and data alike: the browser never guesses a type other than
 * the one sent, and no address of the app (a filtered view names a provider) is sent on as a
 * referrer. The data route adds its own CSP (src/lib/server/http-file.ts); pages have Kit's.
 */
export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	try {
		response.headers.set('x-content-type-options', 'nosniff');
		response.headers.set('referrer-policy', 'no-referrer');
	} catch {
		// A response whose headers cannot change (none of ours): sent as it is.
	}
	return response;
};
