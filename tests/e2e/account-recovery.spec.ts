import { expect, test } from '@playwright/test';
import { linkInOutbox } from './outbox';

test('a user who forgot their password resets it from the mailed link and signs in with the new one', async ({
  page,
}) => {
  const email = `forgetful-${Date.now()}@example.com`;
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('first-password-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('notice')).toContainText(`We sent a mail to ${email}`);

  await page.goto('/signin');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByTestId('notice')).toContainText(`If ${email} has an account`);

  await expect.poll(() => linkInOutbox(email, '/reset-password?token=')).not.toBeNull();
  const link = linkInOutbox(email, '/reset-password?token=')!;
  await page.goto(link);
  await page.getByLabel('New password').fill('second-password-2026');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password has been changed');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password').fill('second-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  // Following the mailed link proved the address.
  await expect(page.getByText('is not confirmed yet')).toHaveCount(0);

  // The link worked once.
  await page.goto(link);
  await page.getByLabel('New password').fill('third-password-2026');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('has already been used');
});
