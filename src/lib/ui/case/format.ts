/** How the case officer's pages write a decision's validity and frame. */
import { m } from '$lib/paraglide/messages.js';
import { formatMinutes } from '$lib/ui/duration';

export function validityText(d: { validFrom: string; validTo: string | null }): string {
	return m.case_decision_range({ from: d.validFrom, to: d.validTo ?? m.case_open_ended() });
}

export function frameText(d: { frameMinutes: number; framePeriod: 'week' | 'month' }): string {
	const frame = formatMinutes(d.frameMinutes);
	return d.framePeriod === 'week'
		? m.case_decision_frame_week({ frame })
		: m.case_decision_frame_month({ frame });
}
