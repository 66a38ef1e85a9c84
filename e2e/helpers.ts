import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { E2E_USERS_FILE } from './env';

export type RoleName = 'admin' | 'approver' | 'operator' | 'viewer';

export function credentials(role: RoleName): { email: string; password: string } {
  return JSON.parse(readFileSync(E2E_USERS_FILE, 'utf8'))[role];
}

export async function signIn(page: Page, role: RoleName): Promise<void> {
  const { email, password } = credentials(role);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByTestId('current-role')).toHaveText(role);
}
