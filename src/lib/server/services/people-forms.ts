/**
 * Form input of the staff pages, parsed with zod into what the services take. Errors are
 * codes per field (shown in the user's language by the page); the values typed are sent back
 * with them so nothing is lost.
 */
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password';
import { STAFF_ROLES, type FieldErrors } from './people';

export type FormValues = Record<string, string>;

/** Every field of the form as a string; files and repeated fields are ignored. */
export function valuesOf(form: FormData, fields: readonly string[]): FormValues {
	const values: FormValues = {};
	for (const field of fields) {
		const value = form.get(field);
		values[field] = typeof value === 'string' ? value : '';
	}
	return values;
}

const optional = z
	.string()
	.trim()
	.transform((s) => (s === '' ? null : s));

const date = z
	.string()
	.trim()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'invalid-date' });

const optionalDate = z
	.string()
	.trim()
	.refine((s) => s === '' || /^\d{4}-\d{2}-\d{2}$/.test(s), { error: 'invalid-date' })
	.transform((s) => (s === '' ? null : s));

const password = z
	.string()
	.refine((s) => s === '' || (s.length >= MIN_PASSWORD_LENGTH && s.length <= MAX_PASSWORD_LENGTH), {
		error: 'password-length'
	})
	.transform((s) => (s === '' ? null : s));

const role = z.enum(STAFF_ROLES, { error: 'role-not-allowed' });

export const newPersonForm = z.object({
	username: z
		.string()
		.trim()
		.toLowerCase()
		.regex(/^[a-z0-9._-]{2,40}$/, { error: 'username-format' }),
	name: z.string().trim().min(1, { error: 'name-required' }).max(120, { error: 'name-required' }),
	role,
	homeTeamId: optional,
	unitId: optional,
	password
});
export const NEW_PERSON_FIELDS = ['username', 'name', 'role', 'homeTeamId', 'unitId'] as const;

export const updatePersonForm = z.object({ role, homeTeamId: optional, unitId: optional });
export const passwordForm = z.object({ password });
/** A form whose only input is the button pressed. */
export const emptyForm = z.object({});
export const lendForm = z.object({ teamId: z.string().trim(), from: date, to: date });
export const endLoanForm = z.object({ teamId: z.string().trim(), from: date });
export const issueForm = z.object({
	code: z.string().trim().min(1, { error: 'unknown-competence' }),
	validFrom: date,
	validTo: optionalDate,
	issuedBy: optional
});
export const renewForm = z.object({
	competenceId: z.string().trim(),
	validTo: optionalDate,
	issuedBy: optional
});
export const endEarlyForm = z.object({ competenceId: z.string().trim(), validTo: date });

export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Parses the values; the first problem of each field becomes its error code. */
export function parseForm<T>(schema: z.ZodType<T>, values: FormValues): ParseResult<T> {
	const parsed = schema.safeParse(values);
	if (parsed.success) return { ok: true, data: parsed.data };
	const errors: FieldErrors = {};
	for (const issue of parsed.error.issues) {
		const field = String(issue.path[0] ?? 'form');
		errors[field] ??= issue.message;
	}
	return { ok: false, errors };
}
