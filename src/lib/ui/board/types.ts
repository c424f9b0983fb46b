import type { Decision, HeldCompetence, StaffOnDuty } from '$lib/domain/types';

/** A person working in the team on the board's day (home staff and staff lent for the day). */
export interface StaffInfo extends StaffOnDuty {
	username: string;
	lent: boolean;
	competences: HeldCompetence[];
}

export interface ClientInfo {
	id: string;
	name: string;
	contactPersonId: string | null;
	decisions: Omit<Decision, 'clientId'>[];
}

export interface ServiceInfo {
	code: string;
	name: string;
	requires: string[];
	twoStaff: boolean;
}
