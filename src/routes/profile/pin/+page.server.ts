import { error, fail } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getApp } from '$lib/server/app';
import { mayHavePin, setPin } from '$lib/server/auth/pin';
import { staff } from '$lib/server/db/schema';
import { requireUser } from '$lib/server/guards';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!mayHavePin(user)) error(403, 'forbidden');
	const { db } = await getApp();
	const [row] = await db
		.select({ pinHash: staff.pinHash })
		.from(staff)
		.where(eq(staff.id, user.id));
	return { hasPin: Boolean(row?.pinHash) };
};

const PinForm = z.object({
	pin: z.string().max(100).default(''),
	pinAgain: z.string().max(100).default(''),
	currentPassword: z.string().max(256).default('')
});

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		if (!mayHavePin(user)) error(403, 'forbidden');
		const form = Object.fromEntries(await event.request.formData());
		const parsed = PinForm.safeParse({
			pin: typeof form.pin === 'string' ? form.pin : '',
			pinAgain: typeof form.pinAgain === 'string' ? form.pinAgain : '',
			currentPassword: typeof form.currentPassword === 'string' ? form.currentPassword : ''
		});
		if (!parsed.success) {
			return fail(400, { errors: { pin: 'format' as const }, saved: false });
		}
		const { db } = await getApp();
		const result = await setPin(db, user, {
			...parsed.data,
			userAgent: event.request.headers.get('user-agent') ?? ''
		});
		// Neither a PIN nor a password is ever sent back to the page.
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
