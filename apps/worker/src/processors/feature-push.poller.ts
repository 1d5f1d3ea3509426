import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PushService } from '@app/features';

/** How often the worker drains the candidate-activity outbox (interactions and profile edits → online features). */
export const PUSH_POLL_MS = 250;

/**
 * The feature store's push path: drains the `candidate_activity` outbox (filled by triggers when interactions are
 * recorded or profiles edited) every PUSH_POLL_MS and rewrites those candidates' online features. One drain at a
 * time per process; several workers share the outbox (SKIP LOCKED).
 */
@Injectable()
export class FeaturePushPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FeaturePush');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(@Inject(PushService) private readonly push: PushService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => { this.running = undefined; });
    }, PUSH_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      for (let i = 0; i < 10; i++) {
        const r = await this.push.drain();
        if (!r) return;
        if (r.views.length) this.logger.debug?.(`pushed ${r.candidates} candidate(s) in ${r.ms} ms: ${r.views.map((v) => `${v.view} ${v.written}`).join(', ')}`);
      }
    } catch (err) {
      this.logger.warn(`push failed (retried on the next tick): ${(err as Error).message}`);
    }
  }
}
