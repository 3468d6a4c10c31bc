import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { outboxDir, readOutbox } from '@/lib/mail';
import { getAppContext } from '@/lib/server/context';

/** Development only: the mails the app would have sent, newest first. A 404 anywhere else. */
export default async function DevOutboxPage() {
  await connection();
  const { env } = getAppContext();
  if (env.NODE_ENV !== 'development' || env.SMTP_URL) notFound();
  const mails = await readOutbox(outboxDir(env));
  return (
    <main className="mx-auto max-w-3xl space-y-4 px-4 py-10">
      <h1 className="text-2xl font-bold">Development outbox</h1>
      <p className="text-sm text-slate-600">
        Mails written to {outboxDir(env)} because SMTP_URL is not set. Only shown in development.
      </p>
      {mails.length === 0 && <p>No mail yet.</p>}
      {mails.map((m) => (
        <article key={m.id} className="rounded border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">{m.subject}</h2>
          <p className="text-sm text-slate-600">
            To {m.to} · {new Date(m.sentAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC
          </p>
          <pre className="mt-2 text-sm break-words whitespace-pre-wrap">{m.text}</pre>
        </article>
      ))}
    </main>
  );
}
