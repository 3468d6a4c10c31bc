import { describe, expect, it } from 'vitest';
import { allowedOrigins, assertAllowedRedirect } from '@/lib/checkout/redirects';

describe('allowedOrigins', () => {
  it("is the app's own origin when the allow-list is empty", () => {
    expect([...allowedOrigins('https://app.example/some/path?x=1', '')]).toEqual(['https://app.example']);
  });

  it('adds each allow-list entry by its origin, trimmed, skipping blanks and malformed entries', () => {
    const origins = allowedOrigins(
      'https://app.example',
      ' https://shop.example/return , ,not a url,http://localhost:3000/x,',
    );
    expect([...origins]).toEqual(['https://app.example', 'https://shop.example', 'http://localhost:3000']);
  });
});

describe('assertAllowedRedirect', () => {
  const origins = new Set(['https://app.example', 'http://localhost:3000']);

  it('accepts http(s) URLs on an allowed origin', () => {
    expect(() => assertAllowedRedirect('success_url', 'https://app.example/done?x=1', origins)).not.toThrow();
    expect(() => assertAllowedRedirect('success_url', 'http://localhost:3000/done', origins)).not.toThrow();
  });

  it('refuses a relative URL as not absolute, naming the field', () => {
    expect(() => assertAllowedRedirect('cancel_url', '/done', origins)).toThrow(
      expect.objectContaining({ status: 400, message: 'cancel_url: must be an absolute URL' }),
    );
  });

  it('refuses another origin and a non-http scheme, listing the allowed origins', () => {
    const message = "success_url: must be on this app's origin (https://app.example, http://localhost:3000)";
    for (const url of ['https://evil.example/done', 'http://app.example/done', 'javascript:alert(1)'])
      expect(() => assertAllowedRedirect('success_url', url, origins)).toThrow(
        expect.objectContaining({ status: 400, message }),
      );
  });

  it('refuses a non-http scheme even when its origin string is allowed', () => {
    // new URL('ftp://app.example').origin is 'null': allow-listing 'null' must not let it through.
    const withNull = new Set([...origins, 'null']);
    expect(() => assertAllowedRedirect('success_url', 'data:text/html,hi', withNull)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
