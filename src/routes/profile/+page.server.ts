import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The profile holds one thing so far: the personal PIN for the team tablet. */
export const load: PageServerLoad = () => redirect(303, '/profile/pin');
