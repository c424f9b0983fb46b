/** Words of "Min dag" in the user's language: outcomes, changes and outbox states. */
import { m } from '$lib/paraglide/messages.js';
import type { Change } from './day-model';

export function outcomeName(outcome: string): string {
	switch (outcome) {
		case 'declined':
			return m.report_outcome_declined();
		case 'not-done':
			return m.report_outcome_not_done();
		default:
			return m.report_outcome_done();
	}
}

export function changeName(change: Change): string {
	switch (change) {
		case 'new':
			return m.myday_change_new();
		case 'dayPart':
			return m.myday_change_day_part();
		case 'minutes':
			return m.myday_change_minutes();
		case 'services':
			return m.myday_change_services();
		case 'window':
			return m.myday_change_window();
		case 'colleagues':
			return m.myday_change_colleagues();
	}
}

/** Why an item could not be saved, in words the worker can act on. */
export function outboxErrorText(error: string | undefined): string {
	switch (error) {
		case 'not-found':
			return m.outbox_error_not_found();
		case 'forbidden':
			return m.outbox_error_forbidden();
		case 'invalid-input':
			return m.outbox_error_invalid();
		case 'unauthorized':
			return m.outbox_error_unauthorized();
		case 'future-date':
			return m.rules_outbox_error_future();
		case 'conflict':
			return m.rules_outbox_error_conflict();
		default:
			return m.outbox_error_other();
	}
}
