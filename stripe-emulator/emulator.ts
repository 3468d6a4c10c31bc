import type Stripe from 'stripe';
import { Store, loadSnapshotFile, saveSnapshot } from './state.js';
import { WebhookDispatcher } from './webhooks/delivery.js';
import type { Logger } from './logger.js';
import { buildEvent, type BillingSettings, type Ctx, type RequestInfo } from './context.js';

export interface EmulatorCoreOptions {
  dataFile: string | null;
  webhookUrls: string[];
  /** Event types sent to the endpoints, as a Stripe endpoint's `enabled_events`; `*` is every type. */
  enabledEvents: string[];
  webhookSecret: string;
  chaos: boolean;
  deliveryMode: 'auto' | 'manual';
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  now: () => number;
  logger: Logger;
  billing: BillingSettings;
}

/** State + webhook dispatch, independent of HTTP so helpers and routes share it. */
export class EmulatorCore {
  readonly store: Store;
  readonly dispatcher: WebhookDispatcher;
  baseUrl = '';
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(readonly opts: EmulatorCoreOptions) {
    this.store = new Store(opts.now);
    if (opts.dataFile && loadSnapshotFile(this.store, opts.dataFile)) {
      opts.logger.info({ file: opts.dataFile }, 'stripe emulator state loaded');
    }
    this.dispatcher = new WebhookDispatcher({
      urls: [...opts.webhookUrls],
      secret: opts.webhookSecret,
      mode: opts.deliveryMode,
      chaos: opts.chaos,
      retryBaseMs: opts.retryBaseMs,
      retryMaxMs: opts.retryMaxMs,
      maxAttempts: opts.maxAttempts,
      timeoutMs: 10_000,
      logger: opts.logger,
      onChange: () => this.scheduleSave(),
    });
    for (const id of this.store.undeliveredEventIds) {
      const event = this.store.get('events', id);
      if (event) this.dispatcher.enqueue(event);
    }
  }

  ctx(request: RequestInfo | null): Ctx {
    const ctx: Ctx = {
      store: this.store,
      settings: this.opts.billing,
      logger: this.opts.logger,
      baseUrl: this.baseUrl,
      request,
      emit: (type, object, previous) => {
        const delivered = this.isEnabled(type);
        const event = buildEvent(
          this.store,
          type,
          object,
          ctx.request,
          delivered ? this.dispatcher.urls.length : 0,
          previous,
        );
        this.store.put('events', event);
        // Like Stripe, every event is kept for the events API; only subscribed types are sent.
        if (delivered) this.dispatcher.enqueue(event);
        return event;
      },
      changed: () => this.scheduleSave(),
    };
    return ctx;
  }

  private isEnabled(type: string): boolean {
    return this.opts.enabledEvents.includes('*') || this.opts.enabledEvents.includes(type);
  }

  pendingEvents(): Stripe.Event[] {
    return this.dispatcher.pending();
  }

  /** Saves (undelivered events included) before dropping the delivery queue. */
  shutdown(): void {
    this.saveNow();
    this.closed = true;
    this.dispatcher.close();
  }

  scheduleSave(): void {
    if (!this.opts.dataFile || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.saveNow();
    }, 50);
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (!this.opts.dataFile || this.closed) return;
    try {
      this.store.undeliveredEventIds = this.dispatcher.pending().map((e) => e.id);
      saveSnapshot(this.store, this.opts.dataFile);
    } catch (e) {
      this.opts.logger.error({ err: e }, 'stripe emulator could not save state');
    }
  }
}
