/**
 * Sentences for the case officer's form and file errors. The server sends codes (SPEC.md D1–D7,
 * I1–I6); the page says them in the user's language.
 */
import { m } from '$lib/paraglide/messages.js';
import { MAX_CSV_BYTES, MAX_CSV_ROWS } from '$lib/domain/decision-csv';

export interface ErrorLike {
	code: string;
	service?: string;
	other?: { validFrom: string; validTo: string | null };
	max?: number;
	value?: string;
	otherRow?: number;
}

const range = (other: ErrorLike['other']) => ({
	from: other?.validFrom ?? '',
	to: other?.validTo ?? m.case_open_ended()
});

/** One sentence for a decision, client or file error code. */
export function errorText(e: ErrorLike): string {
	switch (e.code) {
		case 'invalid-date':
			return m.case_error_invalid_date();
		case 'ends-before-start':
			return m.case_error_ends_before_start();
		case 'frame-not-whole':
			return m.case_error_frame_not_whole();
		case 'frame-not-positive':
			return m.case_error_frame_not_positive();
		case 'frame-not-step':
			return m.case_error_frame_not_step();
		case 'frame-too-large':
			return m.case_error_frame_too_large();
		case 'no-services':
			return m.case_error_no_services();
		case 'unknown-service':
			return m.case_error_unknown_service({ service: e.service ?? '' });
		case 'invalid-period':
			return m.case_error_invalid_period();
		case 'overlap':
			return e.otherRow !== undefined
				? m.case_csv_overlap_row({ row: String(e.otherRow) })
				: m.case_error_overlap(range(e.other));
		case 'end-not-earlier':
			return m.case_error_end_not_earlier();
		case 'unchanged':
			return m.case_error_unchanged();
		case 'name-required':
			return m.case_error_name_required();
		case 'too-long':
			return m.case_error_too_long({ max: String(e.max ?? '') });
		case 'unknown-team':
			return e.value !== undefined
				? m.case_csv_unknown_team({ value: e.value })
				: m.case_error_unknown_team();
		case 'contact-not-in-team':
			return m.case_error_contact_not_in_team();
		case 'empty-file':
			return m.case_csv_empty_file();
		case 'too-large':
			return m.case_csv_too_large({ kb: String(Math.floor(MAX_CSV_BYTES / 1024)) });
		case 'too-many-rows':
			return m.case_csv_too_many_rows({ max: String(MAX_CSV_ROWS) });
		case 'unclosed-quote':
			return m.case_csv_unclosed_quote();
		case 'missing-column':
			return m.case_csv_missing_column();
		case 'unknown-column':
			return m.case_csv_unknown_column({ value: e.value ?? '' });
		case 'duplicate-column':
			return m.case_csv_duplicate_column();
		case 'field-count':
			return m.case_csv_field_count({ value: e.value ?? '' });
		case 'missing-value':
			return m.case_csv_missing_value();
		case 'unknown-client':
			return m.case_csv_unknown_client({ value: e.value ?? '' });
		case 'ambiguous-client':
			return m.case_csv_ambiguous_client({ value: e.value ?? '' });
		case 'team-mismatch':
			return m.case_csv_team_mismatch({ value: e.value ?? '' });
		case 'inactive-client':
			return m.case_csv_inactive_client({ value: e.value ?? '' });
		case 'duplicate-row':
			return m.case_csv_duplicate_row({ row: String(e.otherRow ?? '') });
		case 'not-utf8':
			return m.case_import_not_utf8();
		case 'no-file':
			return m.case_import_no_file();
		default:
			return e.code;
	}
}

/** The errors of one field, as sentences. */
export function fieldErrors(
	errors: readonly (ErrorLike & { field: string })[] | undefined,
	field: string
): string[] {
	return (errors ?? []).filter((e) => e.field === field).map(errorText);
}
