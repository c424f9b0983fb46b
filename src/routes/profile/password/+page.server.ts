import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { getApp } from '$lib/server/app';
import { changeOwnPassword } from '$lib/server/auth/login';
import { mayHavePin } from '$lib/server/auth/pin';
import { requireUser } from '$lib/server/guards';
import type { Actions, PageServerLoad } from './$types';

/** A team tablet's password is set by an administrator, not on the tablet. */
export const load: PageServerLoad = (event) => {
	const user = requireUser(event);
	if (user.role === 'teamDevice') error(403, 'forbidden');
	return { mayHavePin: mayHavePin(user) };
};

const PasswordForm = z.object({
	currentPassword: z.string().max(1000),
	newPassword: z.string().max(1000),
	newPasswordAgain: z.string().max(1000)
});

export const actions: Actions = {
	/** Changes the person's own password; this session stays, every other one ends. */
	default: async (event) => {
		const user = requireUser(event);
		const session = event.locals.session;
		if (user.role === 'teamDevice' || !session) error(403, 'forbidden');
		const form = await event.request.formData();
		const field = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value : '';
		};
		const parsed = PasswordForm.safeParse({
			currentPassword: field('currentPassword'),
			newPassword: field('newPassword'),
			newPasswordAgain: field('newPasswordAgain')
		});
		if (!parsed.success) {
			return fail(400, { errors: { newPassword: 'length' as const }, saved: false });
		}
		const { db, sessions } = await getApp();
		const result = await changeOwnPassword(db, sessions, user, {
			...parsed.data,
			sessionId: session.id,
			address: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent') ?? ''
		});
		// No password is ever sent back to the page.
		if (!result.ok) {
			return fail(result.errors.currentPassword === 'rate-limited' ? 429 : 400, {
				errors: result.errors,
				retryAfterSeconds: result.retryAfterSeconds,
				saved: false
			});
		}
		return { errors: {}, saved: true };
	}
};
