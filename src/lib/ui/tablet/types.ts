/** A person who may unlock the team tablet today. */
export interface TabletPerson {
	id: string;
	name: string;
	hasPin: boolean;
}

/** What the last unlock or lock on the tablet answered (the page's form result). */
export interface UnlockFeedback {
	error?: 'wrong-pin' | 'locked-out' | 'not-on-team' | 'no-pin' | 'not-a-tablet' | 'short';
	staffId?: string;
	triesLeft?: number;
	minutes?: number;
	lockedBy?: 'idle' | 'person';
}
