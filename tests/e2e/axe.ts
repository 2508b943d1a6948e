import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The rule sets of WCAG 2.2 AA, which every page must pass. */
export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe-core on the page as it stands and expects no WCAG 2.2 AA violation. */
export async function expectAccessible(page: Page): Promise<void> {
	expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations).toEqual([]);
}
