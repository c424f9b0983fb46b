import { m } from '$lib/paraglide/messages.js';
import type { Role } from '$lib/domain/types';

export function roleName(role: Role): string {
	switch (role) {
		case 'worker':
			return m.role_worker();
		case 'manager':
			return m.role_manager();
		case 'caseOfficer':
			return m.role_caseOfficer();
		case 'admin':
			return m.role_admin();
		case 'teamDevice':
			return m.role_teamDevice();
	}
}
