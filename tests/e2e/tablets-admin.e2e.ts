/**
 * A manager registers a new tablet for a team and signs it in with the password shown once:
 * the new tablet meets the lock screen of its team.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { device, logIn } from './helpers';

test('maria registers a tablet for Björken and the tablet signs in to its lock screen', async ({
	browser
}) => {
	const office = await device(browser, 'tablet');
	await logIn(office.page, 'maria');
	await office.page.getByRole('link', { name: 'Teamens plattor' }).click();
	await expect(office.page.getByRole('heading', { name: 'Teamens plattor' })).toBeVisible();
	await office.page.getByLabel('Team').selectOption({ label: 'Björken' });
	await office.page.getByLabel('Användarnamn för plattan').fill('x');
	await office.page.getByRole('button', { name: 'Registrera plattan' }).click();
	await expect(office.page.getByRole('alert')).toContainText('3–40 tecken');
	await office.page.getByLabel('Användarnamn för plattan').fill('bjorken-platta-2');
	await office.page.getByRole('button', { name: 'Registrera plattan' }).click();
	const password = await office.page.locator('[data-initial-password]').textContent();
	expect(password).toMatch(/^\w{4}-\w{4}-\w{4}$/);
	await expect(office.page.getByRole('cell', { name: 'bjorken-platta-2' })).toBeVisible();
	const results = await new AxeBuilder({ page: office.page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
		.analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	await office.page.screenshot({ path: 'docs/screenshots/tablets.png', fullPage: true });

	const tablet = await device(browser, 'tablet');
	await logIn(tablet.page, 'bjorken-platta-2', password!);
	await tablet.page.getByRole('link', { name: 'Öppna tavlan' }).first().click();
	await expect(tablet.page.getByRole('button', { name: /Anna Lindqvist/ })).toBeVisible();
	await office.context.close();
	await tablet.context.close();
});
