import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import { invalidRequest } from '../http/errors.js';
import { newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import { advanceClock } from '../billing/clock.js';
import { mustGet } from './util.js';

/**
 * Stripe's test clock API shape over the emulator's single clock: every test
 * clock shares it, so advancing any clock advances the whole emulator (and runs
 * whatever falls due), and a clock cannot go back in time.
 */
export function registerTestClocks(r: Router): void {
  r.add('POST', '/v1/test_helpers/test_clocks', ({ ctx, params: p }) => {
    p.allowOnly(['frozen_time', 'name']);
    const frozen = p.reqInt('frozen_time');
    const clock: Stripe.TestHelpers.TestClock = {
      id: newId('clock'),
      object: 'test_helpers.test_clock',
      created: ctx.store.now(),
      deletes_after: ctx.store.now() + 30 * 86_400,
      frozen_time: frozen,
      livemode: false,
      name: p.str('name') ?? null,
      status: 'ready',
      status_details: {},
    };
    ctx.store.put('test_clocks', clock);
    if (frozen > ctx.store.now()) advanceClock(ctx, frozen - ctx.store.now());
    ctx.changed();
    return clock;
  });
  r.add('GET', '/v1/test_helpers/test_clocks/:id', ({ ctx, path }) =>
    mustGet(ctx, 'test_clocks', path[0] ?? '', 'test_clock'),
  );
  r.add('GET', '/v1/test_helpers/test_clocks', ({ ctx, params, url }) =>
    paginate(newestFirst(ctx.store.all('test_clocks')), params, url),
  );
  r.add('DELETE', '/v1/test_helpers/test_clocks/:id', ({ ctx, path }) => {
    const clock = mustGet(ctx, 'test_clocks', path[0] ?? '', 'test_clock');
    ctx.store.delete('test_clocks', clock.id);
    return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
  });
  r.add('POST', '/v1/test_helpers/test_clocks/:id/advance', ({ ctx, path, params: p }) => {
    const clock = mustGet(ctx, 'test_clocks', path[0] ?? '', 'test_clock');
    p.allowOnly(['frozen_time']);
    const target = p.reqInt('frozen_time');
    if (target <= clock.frozen_time) {
      throw invalidRequest('The frozen_time must be after the current frozen_time of the test clock.', 'frozen_time');
    }
    if (target > ctx.store.now()) advanceClock(ctx, target - ctx.store.now());
    clock.frozen_time = target;
    // Stripe answers `advancing` and finishes asynchronously; here the work is already done.
    clock.status = 'ready';
    ctx.changed();
    return clock;
  });
}
