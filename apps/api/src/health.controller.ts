import { Controller, Get, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KeyValueStore } from '@app/kv';
import { QueueBackendInfo } from '@app/queue';
import { PlatformMetrics } from '@app/telemetry';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

async function timed(check: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; ms: number; error?: string }> {
  const start = performance.now();
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout after 2000 ms')), 2000))]);
    return { status: 'up', ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { status: 'down', ms: Math.round(performance.now() - start), error: err instanceof Error ? err.message : String(err) };
  }
}

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(KeyValueStore) private readonly kv: KeyValueStore,
    @Inject(QueueBackendInfo) private readonly queue: QueueBackendInfo,
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
  ) {}

  /** 200 when the database and the key-value store (Redis, or its Postgres stand-in) answer; 503 otherwise. */
  @Get('healthz')
  async health(@Res() res: Response): Promise<void> {
    const [database, kv] = await Promise.all([timed(() => this.db.query('SELECT 1')), timed(() => this.kv.ping())]);
    const ok = database.status === 'up' && kv.status === 'up';
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      checks: { database, [this.kv.backend === 'redis' ? 'redis' : 'keyValueStore']: { ...kv, backend: this.kv.backend } },
      queueBackend: this.queue.backend,
    });
  }

  @Get('metrics')
  async prometheus(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
