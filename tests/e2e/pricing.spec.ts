import { expect, test } from '@playwright/test';

test('the pricing page lists every package with its seed price, in USD and GBP', async ({ page }) => {
  // A signed-out visitor is served the page built at build time, not a render per request.
  const response = await page.goto('/pricing');
  expect(response?.headers()['x-nextjs-prerender']).toBeTruthy();
  expect(response?.headers()['cache-control']).toBe('private, no-cache');
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

test('the monthly/annual switch and the limit tooltips, with JavaScript and without', async ({ page, browser }) => {
  await page.goto('/pricing?currency=usd');
  const annual = page.getByRole('switch', { name: 'Annual billing' });
  await expect(annual).toHaveAttribute('aria-checked', 'false');
  await annual.click();
  await expect(page).toHaveURL(/billing=annual/);
  await expect(annual).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('price-professional_annual')).toHaveText('$100.00 / year');
  // Space toggles a switch.
  await annual.focus();
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/billing=monthly/);
  await expect(annual).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('price-professional_monthly')).toHaveText('$10.00 / month');

  // A limit explained in a tooltip, on hover and on keyboard focus.
  const professional = page.getByRole('article', { name: 'Professional', exact: true });
  await professional.getByRole('button', { name: 'About ai stories a month' }).hover();
  await expect(page.getByRole('tooltip')).toContainText('The allowance resets monthly');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await professional.getByRole('button', { name: 'About storage' }).focus();
  await expect(page.getByRole('tooltip')).toContainText('Extra Storage add-on');

  // Without JavaScript the switch is still a link to the other billing period.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto('/pricing?currency=gbp');
  await plain.getByRole('switch', { name: 'Annual billing' }).click();
  await expect(plain).toHaveURL(/billing=annual&currency=gbp/);
  await expect(plain.getByTestId('price-professional_annual')).toHaveText('£80.00 / year');
  await expect(plain.getByRole('switch', { name: 'Annual billing' })).toHaveAttribute('aria-checked', 'true');
  await noScript.close();
});

test('every response carries the security headers: pages, the prerendered pricing page, the API', async ({
  request,
}) => {
  for (const path of ['/pricing', '/signin', '/api/packages/openapi.json', '/api/packages']) {
    const response = await request.get(path);
    const headers = response.headers();
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options'], path).toBe('DENY');
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
  }
});
