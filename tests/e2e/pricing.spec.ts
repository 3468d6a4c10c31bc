import { expect, test } from '@playwright/test';

test('the pricing page lists every package with its seed price, in USD and GBP', async ({ page }) => {
  await page.goto('/pricing');
  await expect(page.getByRole('heading', { name: 'AgileForge pricing' })).toBeVisible();
  await expect(page.getByTestId('price-professional_monthly')).toHaveText('$10.00 / month');
  await expect(page.getByTestId('price-business_monthly')).toHaveText('$18.00 / month');
  // The annual prices are behind the monthly/annual switch.
  await page
    .getByRole('navigation', { name: 'Billing period' })
    .getByRole('link', { name: /Annual/ })
    .click();
  await expect(page.getByTestId('price-professional_annual')).toHaveText('$100.00 / year');
  await expect(page.getByTestId('price-business_annual')).toHaveText('$180.00 / year');
  await expect(page.getByTestId('price-starter')).toHaveText('Free');
  await expect(page.getByTestId('price-enterprise')).toHaveText('Custom pricing');
  await expect(page.getByRole('link', { name: 'Contact sales' })).toBeVisible();

  await page.getByRole('link', { name: 'GBP' }).click();
  await expect(page.getByTestId('price-business_annual')).toHaveText('£150.00 / year');
  await expect(page.getByTestId('price-credits_50')).toHaveText('£5.00');
  await expect(page.getByTestId('price-credits_100')).toHaveText('£9.00');
  await expect(page.getByTestId('price-credits_250')).toHaveText('£20.00');
  await expect(page.getByTestId('price-addon_integrations')).toHaveText('£8.00 / month');
});
