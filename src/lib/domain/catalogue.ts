import type { ServiceDefinition } from './types';

/**
 * The standard service and competence catalogue of DESIGN.md §5. Every organisation is
 * seeded with it and may add more; the codes are a public contract.
 */
export const STANDARD_COMPETENCES = [
	{ code: 'care-training', sv: 'Omvårdnadsutbildning', en: 'Care training', delegation: false },
	{
		code: 'medication-delegation',
		sv: 'Delegering läkemedel',
		en: 'Medication delegation',
		delegation: true
	},
	{
		code: 'insulin-delegation',
		sv: 'Delegering insulin',
		en: 'Insulin delegation',
		delegation: true
	},
	{ code: 'lift-training', sv: 'Förflyttningsutbildning', en: 'Lift training', delegation: false },
	{ code: 'usk', sv: 'Undersköterska', en: 'Assistant nurse', delegation: false }
] as const;

export const STANDARD_SERVICES: readonly (ServiceDefinition & { sv: string; en: string })[] = [
	{
		code: 'personal-care',
		requires: ['care-training'],
		sv: 'Personlig omvårdnad',
		en: 'Personal care'
	},
	{ code: 'shower', requires: ['care-training'], sv: 'Dusch', en: 'Shower' },
	{ code: 'toilet', requires: ['care-training'], sv: 'Toalettbesök', en: 'Toilet' },
	{ code: 'dressing', requires: ['care-training'], sv: 'Av- och påklädning', en: 'Dressing' },
	{ code: 'medication', requires: ['medication-delegation'], sv: 'Läkemedel', en: 'Medication' },
	{ code: 'insulin', requires: ['insulin-delegation'], sv: 'Insulin', en: 'Insulin' },
	{
		code: 'lift',
		requires: ['lift-training'],
		twoStaff: true,
		sv: 'Förflyttning med lyft',
		en: 'Lift transfer'
	},
	{ code: 'meals', requires: [], sv: 'Måltid', en: 'Meals' },
	{ code: 'cleaning', requires: [], sv: 'Städning', en: 'Cleaning' },
	{ code: 'shopping', requires: [], sv: 'Inköp', en: 'Shopping' },
	{ code: 'laundry', requires: [], sv: 'Tvätt', en: 'Laundry' },
	{ code: 'walk', requires: [], sv: 'Promenad', en: 'Walk' },
	{ code: 'social', requires: [], sv: 'Social samvaro', en: 'Social time' },
	{ code: 'safety-check', requires: [], sv: 'Tillsyn', en: 'Safety check' }
];
