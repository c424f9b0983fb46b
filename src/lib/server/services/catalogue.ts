/**
 * An organisation's service catalogue: what each service is called and which competences an
 * assignee must hold to perform it (DESIGN.md §5). The codes are a public contract.
 */
import { asc, eq } from 'drizzle-orm';
import { STANDARD_SERVICES } from '../../domain/catalogue';
import type { ServiceDefinition } from '../../domain/types';
import type { Db } from '../db/client';
import { service, serviceRequirement } from '../db/schema';

export interface ServiceListing {
	code: string;
	/** The name in the asked-for locale. */
	name: string;
	nameSv: string;
	nameEn: string;
	/** Competence codes, sorted. */
	requires: string[];
	twoStaff: boolean;
}

const STANDARD_ORDER = new Map(STANDARD_SERVICES.map((s, i) => [s.code, i]));

/**
 * The organisation's services, named in `locale` (`en`, otherwise Swedish): the standard ones in catalogue order (care first, then medical,
 * then household), then the organisation's own by name.
 */
export async function listServices(
	db: Db,
	organisationId: string,
	locale: string = 'sv'
): Promise<ServiceListing[]> {
	const [services, requirements] = await Promise.all([
		db
			.select()
			.from(service)
			.where(eq(service.organisationId, organisationId))
			.orderBy(asc(service.code)),
		db
			.select()
			.from(serviceRequirement)
			.where(eq(serviceRequirement.organisationId, organisationId))
	]);
	const requires = new Map<string, string[]>();
	for (const r of requirements) {
		requires.set(r.serviceCode, [...(requires.get(r.serviceCode) ?? []), r.competenceCode]);
	}
	const listings = services.map((s) => ({
		code: s.code,
		name: locale === 'en' ? s.nameEn : s.nameSv,
		nameSv: s.nameSv,
		nameEn: s.nameEn,
		requires: (requires.get(s.code) ?? []).sort(),
		twoStaff: s.twoStaff
	}));
	const rank = (code: string) => STANDARD_ORDER.get(code) ?? STANDARD_ORDER.size;
	return listings.sort(
		(a, b) => rank(a.code) - rank(b.code) || a.name.localeCompare(b.name, locale)
	);
}

/** The catalogue as the rules read it (`RuleContext.services`): definitions by code. */
export async function serviceCatalogue(
	db: Db,
	organisationId: string
): Promise<Record<string, ServiceDefinition>> {
	const catalogue: Record<string, ServiceDefinition> = {};
	for (const s of await listServices(db, organisationId)) {
		catalogue[s.code] = { code: s.code, requires: s.requires, twoStaff: s.twoStaff };
	}
	return catalogue;
}
