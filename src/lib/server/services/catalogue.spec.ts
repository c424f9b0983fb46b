import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/fixtures/test-db';
import { STANDARD_SERVICES } from '../../domain/catalogue';
import * as schema from '../db/schema';
import { listServices, serviceCatalogue } from './catalogue';

let handle: TestDatabase;
let organisationId: string;
let otherOrganisationId: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	const [org, other] = await handle.db
		.insert(schema.organisation)
		.values([{ name: 'Provkommun' }, { name: 'Grannkommun' }])
		.returning();
	organisationId = org.id;
	otherOrganisationId = other.id;
	await handle.db.insert(schema.service).values([
		{ organisationId, code: 'meals', nameSv: 'Måltid', nameEn: 'Meals' },
		{
			organisationId,
			code: 'personal-care',
			nameSv: 'Personlig omvårdnad',
			nameEn: 'Personal care'
		},
		{
			organisationId,
			code: 'lift',
			nameSv: 'Förflyttning med lyft',
			nameEn: 'Lift',
			twoStaff: true
		},
		{ organisationId, code: 'wound-care', nameSv: 'Såromläggning', nameEn: 'Wound care' },
		{ organisationId, code: 'bed-making', nameSv: 'Bäddning', nameEn: 'Bed making' },
		{ organisationId: other.id, code: 'snow', nameSv: 'Snöskottning', nameEn: 'Snow clearing' }
	]);
	await handle.db.insert(schema.serviceRequirement).values([
		{ organisationId, serviceCode: 'personal-care', competenceCode: 'care-training' },
		{ organisationId, serviceCode: 'lift', competenceCode: 'lift-training' },
		{ organisationId, serviceCode: 'lift', competenceCode: 'care-training' },
		{ organisationId, serviceCode: 'wound-care', competenceCode: 'wound-delegation' }
	]);
});
afterAll(() => handle.close());

describe('listServices', () => {
	it('lists the organisation’s services with names, requirements and the two-staff hint', async () => {
		const services = await listServices(handle.db, organisationId);

		expect(services).toEqual([
			{
				code: 'personal-care',
				name: 'Personlig omvårdnad',
				nameSv: 'Personlig omvårdnad',
				nameEn: 'Personal care',
				requires: ['care-training'],
				twoStaff: false
			},
			{
				code: 'lift',
				name: 'Förflyttning med lyft',
				nameSv: 'Förflyttning med lyft',
				nameEn: 'Lift',
				requires: ['care-training', 'lift-training'],
				twoStaff: true
			},
			{
				code: 'meals',
				name: 'Måltid',
				nameSv: 'Måltid',
				nameEn: 'Meals',
				requires: [],
				twoStaff: false
			},
			// The organisation's own services follow the standard ones, by name.
			{
				code: 'bed-making',
				name: 'Bäddning',
				nameSv: 'Bäddning',
				nameEn: 'Bed making',
				requires: [],
				twoStaff: false
			},
			{
				code: 'wound-care',
				name: 'Såromläggning',
				nameSv: 'Såromläggning',
				nameEn: 'Wound care',
				requires: ['wound-delegation'],
				twoStaff: false
			}
		]);
		expect(STANDARD_SERVICES.map((s) => s.code)).toContain('personal-care');
	});

	it('names services in English for an English-speaking user', async () => {
		const services = await listServices(handle.db, organisationId, 'en');

		expect(services.map((s) => s.name)).toEqual([
			'Personal care',
			'Lift',
			'Meals',
			'Bed making',
			'Wound care'
		]);
	});

	it('never shows another organisation’s services', async () => {
		const other = await listServices(handle.db, otherOrganisationId);

		expect(other.map((s) => s.code)).toEqual(['snow']);
	});
});

describe('serviceCatalogue', () => {
	it('gives the rules each service’s requirements by code', async () => {
		const catalogue = await serviceCatalogue(handle.db, organisationId);

		expect(catalogue['wound-care']).toEqual({
			code: 'wound-care',
			requires: ['wound-delegation'],
			twoStaff: false
		});
		expect(catalogue.lift.requires).toEqual(['care-training', 'lift-training']);
		expect(Object.keys(catalogue)).toHaveLength(5);
	});
});
