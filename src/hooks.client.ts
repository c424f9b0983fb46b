import type { ClientInit } from '@sveltejs/kit';
import { z } from 'zod';

/**
 * zod probes whether it may compile parsers with `new Function`. Under the app's
 * Content-Security-Policy (no 'unsafe-eval') the probe fails harmlessly but the browser still
 * reports a policy violation on every page; told it runs without eval, zod does not probe.
 */
export const init: ClientInit = () => {
	z.config({ jitless: true });
};
