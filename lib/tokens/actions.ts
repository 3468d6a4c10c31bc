'use server';

import { revalidatePath } from 'next/cache';
import { requireUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { getAppContext } from '@/lib/server/context';
import { createUserApiToken, revokeApiToken } from './index';

export interface CreateTokenState {
  token: string | null;
  error: string | null;
}

export async function createTokenAction(_prev: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const user = await requireUser('/account/tokens');
  const days = String(form.get('expires_in_days') ?? '');
  if (!user.team) return { token: null, error: 'You are not in a team' };
  try {
    const created = await createUserApiToken(getAppContext(), user.id, user.team.id, {
      name: String(form.get('name') ?? ''),
      expiresInDays: days ? Number(days) : null,
    });
    revalidatePath('/account/tokens');
    return { token: created.token, error: null };
  } catch (err) {
    if (err instanceof AppError) return { token: null, error: err.message };
    throw err;
  }
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  const user = await requireUser('/account/tokens');
  await revokeApiToken(getAppContext(), user.id, String(form.get('token_id') ?? ''));
  revalidatePath('/account/tokens');
}
