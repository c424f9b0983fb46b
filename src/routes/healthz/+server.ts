import { sql } from 'drizzle-orm';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	try {
		const { db } = await getApp();
		await db.execute(sql`select 1`);
		return Response.json({ ok: true });
	} catch {
		return Response.json({ ok: false }, { status: 503 });
	}
};
