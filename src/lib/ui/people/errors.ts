import { maxDelegationEnd } from '$lib/domain/competences';
import { isValidIsoDate } from '$lib/domain/periods';
import { m } from '$lib/paraglide/messages.js';

/**
 * The text for an error code of the staff pages. `validFrom` lets the one-year error name the
 * last day a delegation starting then may have.
 */
export function errorText(code: string | undefined, ctx: { validFrom?: string } = {}): string {
	switch (code) {
		case undefined:
		case '':
			return '';
		case 'username-taken':
			return m.people_error_username_taken();
		case 'username-format':
			return m.people_error_username_format();
		case 'name-required':
			return m.people_error_name_required();
		case 'role-not-allowed':
			return m.people_error_role_not_allowed();
		case 'home-team-required':
			return m.people_error_home_team_required();
		case 'team-not-allowed':
			return m.people_error_team_not_allowed();
		case 'unit-required':
			return m.people_error_unit_required();
		case 'unit-not-allowed':
			return m.people_error_unit_not_allowed();
		case 'not-yourself':
			return m.people_error_not_yourself();
		case 'person-inactive':
			return m.people_error_person_inactive();
		case 'same-as-home-team':
			return m.people_error_same_as_home_team();
		case 'loan-overlaps':
			return m.people_error_loan_overlaps();
		case 'loan-not-found':
			return m.people_error_loan_not_found();
		case 'loan-over':
			return m.people_error_loan_over();
		case 'unknown-competence':
			return m.people_error_unknown_competence();
		case 'competence-not-found':
			return m.people_error_competence_not_found();
		case 'password-length':
			return m.people_error_password_length();
		case 'invalid-date':
		case 'invalid-valid-from':
		case 'invalid-valid-to':
			return m.people_error_invalid_date();
		case 'valid-to-before-valid-from':
			return m.people_error_valid_to_before_valid_from();
		case 'delegation-needs-issuer':
			return m.people_error_delegation_needs_issuer();
		case 'issuer-too-long':
			return m.people_error_issuer_too_long();
		case 'delegation-needs-end':
			return m.people_error_delegation_needs_end();
		case 'delegation-longer-than-a-year':
			return m.people_error_delegation_longer_than_a_year({
				date: ctx.validFrom && isValidIsoDate(ctx.validFrom) ? maxDelegationEnd(ctx.validFrom) : '–'
			});
		case 'not-renewable-open-ended':
			return m.people_error_not_renewable_open_ended();
		case 'already-renewed':
			return m.people_error_already_renewed();
		case 'end-not-earlier':
			return m.people_error_end_not_earlier();
		case 'invalid-loan-range':
			return m.people_error_invalid_loan_range();
		case 'loan-starts-in-past':
			return m.people_error_loan_starts_in_past();
		case 'loan-too-long':
			return m.people_error_loan_too_long();
		default:
			return m.people_error_generic();
	}
}
