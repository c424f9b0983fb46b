import type {
	BasePlanError,
	BasePlanField,
	BasePlanFrameHint,
	BasePlanPattern
} from '$lib/domain/base-plan';

/** A pattern's fields as the form holds them (what was saved, or typed before a refusal). */
export interface PatternValues {
	weekdays: number[];
	dayPart: string;
	services: string[];
	minutes: number;
	window: string;
	note: string;
}

/** A client on the base plan page: what may be planned, the frame, and the patterns. */
export interface PlanClient {
	id: string;
	name: string;
	/** Services the decision in force grants; null without a decision in force. */
	granted: string[] | null;
	hint: BasePlanFrameHint | null;
	patterns: BasePlanPattern[];
}

/** Which pattern form is open: a client's new pattern (`patternId` null) or one being changed. */
export interface Editing {
	clientId: string;
	patternId: string | null;
}

/** What a refused save sends back to the page: where it came from, why, and what was typed. */
export interface SaveRefusal {
	action: 'save';
	clientId: string;
	patternId: string;
	notFound: boolean;
	errors: Partial<Record<BasePlanField, BasePlanError>>;
	notGranted: string[];
	values: PatternValues;
}
