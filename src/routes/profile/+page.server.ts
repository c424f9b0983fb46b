import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The profile: the password here, the personal PIN for the team tablet at /profile/pin. */
export const load: PageServerLoad = () => redirect(303, '/profile/password');
