/**
 * Reading the case officer's forms: the shape and length of every field (zod), and the text
 * exactly as typed, so a refused form comes back with everything the user wrote.
 */
import { z } from 'zod';
import type { DecisionDraft } from '$lib/domain/decisions';
import type { ClientInput } from './case-clients';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A form error: the field and a code the page turns into a sentence. */
export interface FormError {
	field: string;
	code: string;
	service?: string;
	other?: { validFrom: string; validTo: string | null };
	max?: number;
}

export const CLIENT_LIMITS = {
	name: 200,
	area: 200,
	preferences: 4000,
	accessNotes: 2000,
	accessCode: 50
} as const;

const text = (max: number) => z.string().trim().max(max, { message: 'too-long' });

const clientSchema = z.object({
	name: z.string().trim().min(1, { message: 'name-required' }).max(CLIENT_LIMITS.name, {
		message: 'too-long'
	}),
	teamId: z.string().regex(UUID, { message: 'unknown-team' }),
	contactPersonId: z.union([z.literal(''), z.string().regex(UUID)]),
	area: text(CLIENT_LIMITS.area),
	preferences: text(CLIENT_LIMITS.preferences),
	accessNotes: text(CLIENT_LIMITS.accessNotes),
	accessCode: text(CLIENT_LIMITS.accessCode),
	clearAccessCode: z.boolean()
});

export type ClientFormValues = Omit<z.input<typeof clientSchema>, 'accessCode'>;

const field = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

/**
 * The client form as a `ClientInput`, or its errors. The door code is never sent back to the
 * page: a refused form asks for it again.
 */
export function parseClientForm(
	form: FormData
):
	| { ok: true; input: ClientInput; values: ClientFormValues }
	| { ok: false; errors: FormError[]; values: ClientFormValues } {
	const raw = {
		name: field(form, 'name'),
		teamId: field(form, 'teamId'),
		contactPersonId: field(form, 'contactPersonId'),
		area: field(form, 'area'),
		preferences: field(form, 'preferences'),
		accessNotes: field(form, 'accessNotes'),
		accessCode: field(form, 'accessCode'),
		clearAccessCode: form.get('clearAccessCode') === 'on'
	};
	const { accessCode: _code, ...values } = raw;
	const parsed = clientSchema.safeParse(raw);
	if (!parsed.success) {
		const errors = parsed.error.issues.map((issue) => {
			const name = String(issue.path[0] ?? 'name');
			const code =
				issue.message === 'too-long' || issue.message === 'name-required'
					? issue.message
					: name === 'contactPersonId'
						? 'contact-not-in-team'
						: 'unknown-team';
			return {
				field: name,
				code,
				max: code === 'too-long' ? CLIENT_LIMITS[name as keyof typeof CLIENT_LIMITS] : undefined
			};
		});
		return { ok: false, errors, values };
	}
	const d = parsed.data;
	return {
		ok: true,
		values,
		input: {
			name: d.name,
			teamId: d.teamId,
			contactPersonId: d.contactPersonId === '' ? null : d.contactPersonId,
			area: d.area,
			preferences: d.preferences,
			accessNotes: d.accessNotes,
			accessCode: d.clearAccessCode ? '' : d.accessCode === '' ? null : d.accessCode
		}
	};
}

const decisionSchema = z.object({
	validFrom: z.string().max(20),
	validTo: z.string().max(20),
	frameMinutes: z.string().max(20),
	framePeriod: z.string().max(20),
	services: z.array(z.string().max(100)).max(100)
});

/** The decision form as typed (checked by the domain, D1–D5). */
export function parseDecisionForm(form: FormData): DecisionDraft {
	const raw = {
		validFrom: field(form, 'validFrom').slice(0, 20),
		validTo: field(form, 'validTo').slice(0, 20),
		frameMinutes: field(form, 'frameMinutes').slice(0, 20),
		framePeriod: field(form, 'framePeriod').slice(0, 20),
		services: form
			.getAll('services')
			.filter((s): s is string => typeof s === 'string')
			.slice(0, 100)
			.map((s) => s.slice(0, 100))
	};
	return decisionSchema.parse(raw);
}
