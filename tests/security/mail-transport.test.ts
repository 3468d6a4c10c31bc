import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/config/env';
import { createMailer } from '@/lib/mail';

/*
 * With SMTP_URL the mailer speaks SMTP through nodemailer. A minimal SMTP listener on a local port
 * records what arrives (no network beyond 127.0.0.1).
 */
let server: net.Server;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  server = net.createServer((socket) => {
    let inData = false;
    let buffer = '';
    let message = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push(message);
            message = '';
            socket.write('250 queued\r\n');
          } else message += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 test\r\n');
        else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.close();
});

describe('mail transport', () => {
  it('sends through SMTP_URL when it is set', async () => {
    const env = parseEnv({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'AgileForge <no-reply@agileforge.test>' });
    await createMailer(env).send({
      to: 'someone@example.com',
      subject: 'Reset your AgileForge password',
      text: 'Choose a new password: http://app.test/reset-password?token=abc.def',
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^To: someone@example.com$/m);
    expect(received[0]).toMatch(/^Subject: Reset your AgileForge password$/m);
    expect(received[0]).toContain('reset-password?token=abc.def');
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps://, and production without any mail route', () => {
    expect(() => parseEnv({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(() =>
      parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example/app', TRUSTED_PROXY_HOPS: '1' }),
    ).toThrow(/SMTP_URL: required in production/);
  });
});
