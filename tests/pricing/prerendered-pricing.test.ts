import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '@/proxy';

function visit(path: string, init: { cookie?: string; language?: string; method?: string } = {}) {
  const headers = new Headers();
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.language) headers.set('accept-language', init.language);
  return proxy(new NextRequest(`http://localhost${path}`, { headers, method: init.method ?? 'GET' }));
}

const rewrittenTo = (response: Response) => response.headers.get('x-middleware-rewrite');

describe('signed-out visitors of /pricing get the prerendered page', () => {
  it('picks the variant the rendered page would: ?currency=, else Accept-Language; ?billing=annual', () => {
    expect(rewrittenTo(visit('/pricing'))).toBe('http://localhost/prerendered/pricing/usd/month');
    expect(rewrittenTo(visit('/pricing', { language: 'en-GB,en;q=0.8' }))).toBe(
      'http://localhost/prerendered/pricing/gbp/month',
    );
    expect(rewrittenTo(visit('/pricing?currency=usd&billing=annual', { language: 'en-GB' }))).toBe(
      'http://localhost/prerendered/pricing/usd/year',
    );
    expect(rewrittenTo(visit('/pricing?currency=gbp&billing=monthly'))).toBe(
      'http://localhost/prerendered/pricing/gbp/month',
    );
    // An unknown currency falls back to the language, as on the rendered page.
    expect(rewrittenTo(visit('/pricing?currency=eur', { language: 'cy-GB' }))).toBe(
      'http://localhost/prerendered/pricing/gbp/month',
    );
  });

  it('forbids shared caches from keeping it: the same URL answers signed-in visitors differently', () => {
    expect(visit('/pricing').headers.get('cache-control')).toBe('private, no-cache');
  });

  it('renders per request for a session, checkout state in the URL, or a method other than GET and HEAD', () => {
    expect(rewrittenTo(visit('/pricing', { cookie: 'authjs.session-token=abc' }))).toBeNull();
    expect(rewrittenTo(visit('/pricing', { cookie: '__Secure-authjs.session-token=abc' }))).toBeNull();
    expect(rewrittenTo(visit('/pricing?checkout=cancelled'))).toBeNull();
    expect(rewrittenTo(visit('/pricing?buy=credits_50&currency=usd'))).toBeNull();
    expect(rewrittenTo(visit('/pricing?trial=1'))).toBeNull();
    expect(rewrittenTo(visit('/pricing', { method: 'POST' }))).toBeNull();
    expect(rewrittenTo(visit('/pricing', { method: 'HEAD' }))).toBe('http://localhost/prerendered/pricing/usd/month');
  });

  it('leaves other pages alone', () => {
    expect(rewrittenTo(visit('/'))).toBeNull();
    expect(rewrittenTo(visit('/contact-sales'))).toBeNull();
  });
});
