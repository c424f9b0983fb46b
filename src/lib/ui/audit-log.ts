import { m } from '$lib/paraglide/messages.js';

const when = new Intl.DateTimeFormat('sv-SE', {
	timeZone: 'Europe/Stockholm',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit'
});

/** A log time in Swedish time, `2026-03-15 14:02`, whatever the device's zone. */
export function formatWhen(iso: string): string {
	return when.format(new Date(iso));
}

const ACTIONS: Record<string, () => string> = {
	read: m.mgraudit_act_read,
	change: m.mgraudit_act_change,
	export: m.mgraudit_act_export,
	print: m.mgraudit_act_print,
	login: m.mgraudit_act_login,
	logout: m.mgraudit_act_logout,
	'login-failed': m.mgraudit_act_login_failed
};

/** A log action in the user's language; an unknown one as written. */
export function actionName(action: string): string {
	return ACTIONS[action]?.() ?? action;
}

const WHATS: Record<string, () => string> = {
	'access-code': m.mgraudit_what_access_code,
	'audit-sample': m.mgraudit_what_audit_sample,
	'billing-basis': m.mgraudit_what_billing_basis,
	board: m.mgraudit_what_board,
	client: m.mgraudit_what_client,
	'client-list': m.mgraudit_what_client_list,
	decision: m.mgraudit_what_decision,
	frames: m.mgraudit_what_frames,
	'frame-overview': m.acc_what_frame_overview,
	'log-extract': m.mgraudit_what_log_extract,
	'my-day': m.mgraudit_what_my_day,
	'time-entry': m.mgraudit_what_time_entry,
	visit: m.mgraudit_what_visit
};

/** What a log row touched (`detail.what`) in the user's language; unknown codes as written. */
export function whatName(what: string | null): string {
	if (!what) return '';
	return WHATS[what]?.() ?? what;
}

/** Period and sample errors (domain codes) in the user's language. */
export function auditErrorText(code: string | undefined): string {
	switch (code) {
		case 'invalid-from':
			return m.mgraudit_err_invalid_from();
		case 'invalid-to':
			return m.mgraudit_err_invalid_to();
		case 'from-after-to':
			return m.mgraudit_err_from_after_to();
		case 'period-too-long':
			return m.mgraudit_err_period_too_long();
		case 'invalid-count':
			return m.mgraudit_err_invalid_count();
		case 'no-reads':
			return m.mgraudit_err_no_reads();
		case 'required':
			return m.mgraudit_err_required();
		case 'too-long':
			return m.mgraudit_err_too_long();
		case 'unjudged':
			return m.mgraudit_err_unjudged();
		case 'concluded':
			return m.mgraudit_err_concluded();
		case 'judgement':
			return m.mgraudit_err_judgement();
		default:
			return code ?? '';
	}
}
