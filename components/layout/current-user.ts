import 'server-only';
import { cache } from 'react';
import { currentUser } from '@/lib/auth/session';

/** The signed-in user, read once per request however many components ask. */
export const getCurrentUser = cache(currentUser);
