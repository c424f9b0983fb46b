import type { Role } from '$lib/domain/types';

/** The roles a person can be given on the staff pages (team devices are set up elsewhere). */
export const STAFF_ROLE_OPTIONS = [
	'worker',
	'manager',
	'caseOfficer',
	'admin'
] as const satisfies readonly Role[];
