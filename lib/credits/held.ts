import { sql } from 'drizzle-orm';
import { creditReservations } from '@/db/schema';

/**
 * A hold still open. Written with a literal, not a bound parameter, so that PostgreSQL can use the
 * partial index on held reservations (`credit_reservations_held_idx`) in generic prepared plans too.
 */
export const isHeldReservation = sql`${creditReservations.status} = 'held'`;
