-- Stored emails become what normalizeEmail() (lib/accounts/email.ts) produces: trimmed of
-- whitespace, Unicode NFC, lower case. Sign-in, sign-up and invitations look addresses up in that form.
--
-- Collisions: when several users normalize to the same address, one keeps it: the account that
-- lookups already find (lower(email) equal to the normalized form), else the oldest. The others
-- are left unchanged (so the unique index on lower(email) holds) and are listed by a NOTICE for an
-- operator to merge or remove; until then they cannot sign in with a password, since no normalized
-- lookup matches them.
CREATE OR REPLACE FUNCTION pg_temp.af_normalize_email(raw text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lower(normalize(regexp_replace(raw,
    '^[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+|[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+$',
    '', 'g'), NFC))
$$;
--> statement-breakpoint
DO $$
DECLARE
  entry record;
BEGIN
  FOR entry IN
    WITH ranked AS (
      SELECT id, email, pg_temp.af_normalize_email(email) AS normalized,
             row_number() OVER (
               PARTITION BY pg_temp.af_normalize_email(email)
               ORDER BY (lower(email) = pg_temp.af_normalize_email(email)) DESC, created_at, id
             ) AS rank
      FROM users
    )
    SELECT id, email, normalized, rank FROM ranked WHERE email <> normalized ORDER BY rank
  LOOP
    IF entry.rank = 1 THEN
      UPDATE users SET email = entry.normalized WHERE id = entry.id;
    ELSE
      RAISE NOTICE 'normalize_emails: user % (%) collides with another account on %; left unchanged',
        entry.id, entry.email, entry.normalized;
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
UPDATE team_invitations SET email = pg_temp.af_normalize_email(email)
  WHERE email <> pg_temp.af_normalize_email(email);
