import type Stripe from 'stripe';
import { signPayload } from './sign.js';
import type { Logger } from '../logger.js';

export type FlushOrder = 'shuffled' | 'reverse' | 'fifo';

export interface DeliveryAttempt {
  event_id: string;
  event_type: string;
  url: string;
  attempt: number;
  status: number | null; // null: no HTTP answer
  error: string | null;
  at: number; // real time, ms
  duration_ms: number;
}

interface Task {
  event: Stripe.Event;
  url: string;
  attempt: number;
  dueAt: number;
}

export interface DispatcherOptions {
  urls: string[];
  secret: string;
  mode: 'auto' | 'manual';
  chaos: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  timeoutMs: number;
  logger: Logger;
  /** Called when the set of undelivered events may have changed (to persist it). */
  onChange?: () => void;
}

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/**
 * At-least-once webhook delivery. Tasks run one at a time (the app sees events
 * roughly in order, as from Stripe), failures are retried with capped
 * exponential backoff without holding back later events.
 */
export class WebhookDispatcher {
  private queued: Stripe.Event[] = []; // manual mode: not yet flushed
  private batch: Stripe.Event[] = []; // auto mode: events of the current tick
  private batchScheduled = false;
  private tasks: Task[] = [];
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  readonly attempts: DeliveryAttempt[] = [];

  constructor(private readonly opts: DispatcherOptions) {}

  get urls(): string[] {
    return this.opts.urls;
  }

  setUrls(urls: string[]): void {
    this.opts.urls = [...urls];
  }

  /** Called for every new event. */
  enqueue(event: Stripe.Event): void {
    if (this.opts.mode === 'manual') {
      this.queued.push(event);
      return;
    }
    // One API call emits a burst of events; batching the tick lets chaos mode shuffle across it.
    this.batch.push(event);
    if (!this.batchScheduled) {
      this.batchScheduled = true;
      setImmediate(() => this.releaseBatch());
    }
  }

  private releaseBatch(): void {
    this.batchScheduled = false;
    const events = this.batch;
    this.batch = [];
    if (events.length) this.schedule(events, this.opts.chaos ? 'shuffled' : 'fifo', this.opts.chaos);
  }

  pending(): Stripe.Event[] {
    const seen = new Set<string>();
    const out: Stripe.Event[] = [];
    for (const e of [...this.queued, ...this.batch, ...this.tasks.map((t) => t.event)]) {
      if (!seen.has(e.id)) {
        seen.add(e.id);
        out.push(e);
      }
    }
    return out;
  }

  /** Delivers everything queued and waits until no task is left (or the wait limit). */
  async flush(opts: { order?: FlushOrder; duplicate?: boolean } = {}, maxWaitMs = 30_000): Promise<void> {
    this.releaseBatch();
    const events = this.queued;
    this.queued = [];
    const order = opts.order ?? (this.opts.chaos ? 'shuffled' : 'fifo');
    this.schedule(events, order, opts.duplicate ?? this.opts.chaos);
    const idle = new Promise<void>((resolve) => {
      if (this.tasks.length === 0 && !this.running) resolve();
      else this.idleWaiters.push(resolve);
    });
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([idle, new Promise<void>((r) => (timeout = setTimeout(r, maxWaitMs)))]);
    clearTimeout(timeout);
  }

  reset(): void {
    this.queued = [];
    this.batch = [];
    this.tasks = [];
    this.attempts.length = 0;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.tasks = [];
    this.notifyIdle();
  }

  private schedule(events: Stripe.Event[], order: FlushOrder, duplicate: boolean): void {
    let batch: Stripe.Event[] = duplicate ? events.flatMap((e) => [e, e]) : [...events];
    if (order === 'reverse') batch.reverse();
    if (order === 'shuffled') batch = shuffle(batch);
    const now = Date.now();
    for (const event of batch) {
      for (const url of this.opts.urls) this.tasks.push({ event, url, attempt: 0, dueAt: now });
    }
    this.kick();
  }

  private kick(): void {
    if (this.running || this.closed) return;
    // A microtask-later start lets one request's burst of events become one batch.
    this.running = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) return;
        const now = Date.now();
        const idx = this.tasks.findIndex((t) => t.dueAt <= now);
        if (idx === -1) break;
        const [task] = this.tasks.splice(idx, 1);
        if (task) await this.deliver(task);
      }
    } finally {
      this.running = false;
    }
    if (this.closed) return;
    this.opts.onChange?.();
    if (this.tasks.length === 0) {
      this.notifyIdle();
      return;
    }
    const nextDue = Math.min(...this.tasks.map((t) => t.dueAt));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.kick();
      },
      Math.max(0, nextDue - Date.now()),
    );
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async deliver(task: Task): Promise<void> {
    task.attempt += 1;
    // Stripe re-signs each attempt with the current time, and counts pending endpoints.
    const payload = JSON.stringify({ ...task.event, pending_webhooks: this.opts.urls.length }, null, 2);
    const signature = signPayload(payload, this.opts.secret, Math.floor(Date.now() / 1000));
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(task.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.attempts.push({
      event_id: task.event.id,
      event_type: task.event.type,
      url: task.url,
      attempt: task.attempt,
      status,
      error,
      at: started,
      duration_ms: Date.now() - started,
    });
    if (status !== null && status >= 200 && status < 300) return;
    if (task.attempt >= this.opts.maxAttempts) {
      this.opts.logger.error({ event: task.event.id, url: task.url, status, error }, 'webhook delivery gave up');
      return;
    }
    const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (task.attempt - 1));
    // An app that is still starting refuses connections; only say so once it keeps happening.
    const log = status === null && task.attempt < 5 ? (this.opts.logger.debug ?? (() => {})) : this.opts.logger.warn;
    log(
      { event: task.event.id, type: task.event.type, url: task.url, status, error, retryInMs: delay },
      'webhook delivery failed, will retry',
    );
    task.dueAt = Date.now() + delay;
    this.tasks.push(task);
  }
}
