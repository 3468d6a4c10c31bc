import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Env } from '@/lib/config/env';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends account mail. Messages carry one-time links: never log their text. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export interface OutboxMail extends OutgoingMail {
  id: string;
  from: string;
  sentAt: string;
}

/** Real mail over SMTP (`SMTP_URL`). */
function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
  };
}

/**
 * Mail written as JSON files to a directory (development's `.data/outbox`), readable only by the
 * app's user since the messages hold sign-in-equivalent links. Listed at /dev/outbox.
 */
export function outboxMailer(dir: string, from: string, now: () => Date = () => new Date()): Mailer {
  return {
    async send(mail) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const sentAt = now().toISOString();
      const id = `${sentAt.replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
      const record: OutboxMail = { id, from, sentAt, ...mail };
      await fs.writeFile(path.join(dir, `${id}.json`), JSON.stringify(record, null, 2), { mode: 0o600 });
    },
  };
}

export function outboxDir(env: Env): string {
  return path.resolve(env.MAIL_OUTBOX_DIR ?? path.join(process.env.AF_DATA_DIR ?? '.data', 'outbox'));
}

/** SMTP when SMTP_URL is set, else the outbox directory (production refuses that unless MAIL_OUTBOX_DIR is set). */
export function createMailer(env: Env): Mailer {
  return env.SMTP_URL ? smtpMailer(env.SMTP_URL, env.MAIL_FROM) : outboxMailer(outboxDir(env), env.MAIL_FROM);
}

/** Mails in an outbox directory, newest first. */
export async function readOutbox(dir: string): Promise<OutboxMail[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const mails = await Promise.all(
    names
      .filter((n) => n.endsWith('.json'))
      .map(async (n) => JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')) as OutboxMail),
  );
  return mails.sort((a, b) => b.id.localeCompare(a.id));
}
