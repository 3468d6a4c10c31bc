import { describe, expect, it } from 'vitest';
import { InvalidEnvironment, parseEnv } from '@/lib/config/env';

describe('abuse limits in the environment', () => {
  it('default to 5 owned teams and 7 days of past-due grace', () => {
    expect(parseEnv({})).toMatchObject({ MAX_OWNED_TEAMS: 5, PAST_DUE_GRACE_DAYS: 7 });
    expect(parseEnv({ MAX_OWNED_TEAMS: '12', PAST_DUE_GRACE_DAYS: '0' })).toMatchObject({
      MAX_OWNED_TEAMS: 12,
      PAST_DUE_GRACE_DAYS: 0,
    });
  });

  it.each([
    ['MAX_OWNED_TEAMS', '0'],
    ['MAX_OWNED_TEAMS', 'many'],
    ['PAST_DUE_GRACE_DAYS', '-1'],
    ['PAST_DUE_GRACE_DAYS', '2.5'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(InvalidEnvironment);
    expect(() => parseEnv({ [name]: value })).toThrow(name);
  });
});
