import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseForm } from '../../stripe-emulator/http/form';
import { startHarness, type Harness } from './harness';

describe('form decoding', () => {
  it('handles indexed and [] arrays, nested objects, metadata with numeric keys, + and %-escapes', () => {
    expect(
      parseForm(
        'line_items[0][price]=price_1&line_items[0][quantity]=2&expand[]=a&expand[]=b.c&metadata[0]=zero&metadata[note]=a+b%26c&x%5By%5D=1',
      ),
    ).toEqual({
      line_items: [{ price: 'price_1', quantity: '2' }],
      expand: ['a', 'b.c'],
      metadata: { '0': 'zero', note: 'a b&c' },
      x: { y: '1' },
    });
  });
});

describe('raw HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('accepts `expand[]=` form bodies and query strings, Basic auth, and answers Stripe headers', async () => {
    const auth = { authorization: `Basic ${Buffer.from('sk_test_raw:').toString('base64')}` };
    const created = await fetch(`${h.emu.url}/v1/products`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'raw-1' },
      body: 'id=raw&name=Raw+Product&metadata[a]=1',
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('request-id')).toMatch(/^req_/);
    expect(created.headers.get('stripe-version')).toBe('2026-10-28.endive');
    expect(created.headers.get('idempotency-key')).toBe('raw-1');
    expect(await created.json()).toMatchObject({ id: 'raw', name: 'Raw Product', metadata: { a: '1' } });
    await fetch(`${h.emu.url}/v1/prices`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'product=raw&currency=usd&unit_amount=100&lookup_key=raw_key',
    });
    const listed = await fetch(`${h.emu.url}/v1/prices?lookup_keys[]=raw_key&expand[]=data.product`, { headers: auth });
    const body = await listed.json();
    expect(body.data[0].product).toMatchObject({ id: 'raw', object: 'product' });
    const missingKey = await fetch(`${h.emu.url}/v1/prices`);
    expect(missingKey.status).toBe(401);
    expect((await missingKey.json()).error.message).toContain('You did not provide an API key');
  });
});
