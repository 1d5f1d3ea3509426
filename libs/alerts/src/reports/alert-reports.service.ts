import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertDeliveryEntity, AlertSubscriptionEntity } from '../alert.entity.js';
import { AlertError } from '../alerts.errors.js';

const DELIVERY_STATUSES = ['pending', 'retrying', 'sent', 'empty', 'suppressed', 'failed'];
const DAY_MS = 86_400_000;

export interface AlertOverviewDay {
  day: string;
  experimentKey: string | null;
  variant: string | null;
  sent: number;
  items: number;
  clicked: number;
  applied: number;
  clicks: number;
  applies: number;
}

export interface AlertOverview {
  from: Date;
  to: Date;
  sent: number;
  failed: number;
  activeSubscriptions: number;
  pausedSubscriptions: number;
  opensTracked: boolean;
  days: AlertOverviewDay[];
}

/** Read-only views of subscriptions and deliveries for the console and reports (paged lists, the daily overview). */
@Injectable()
export class AlertReportsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async subscriptions(filter: { candidateId?: string; channel?: string; status?: string; frequency?: string }, offset: number, limit: number): Promise<{ items: AlertSubscriptionEntity[]; totalCount: number }> {
    const where = {
      ...(filter.candidateId ? { candidateId: filter.candidateId } : {}),
      ...(filter.channel ? { channel: filter.channel as AlertSubscriptionEntity['channel'] } : {}),
      ...(filter.status ? { status: filter.status as AlertSubscriptionEntity['status'] } : {}),
      ...(filter.frequency ? { frequency: filter.frequency as AlertSubscriptionEntity['frequency'] } : {}),
    };
    const [items, totalCount] = await this.db.getRepository(AlertSubscriptionEntity).findAndCount({ where, order: { id: 'DESC' }, skip: offset, take: limit });
    return { items, totalCount };
  }

  async deliveries(filter: { subscriptionId?: string; candidateId?: string; status?: string; channel?: string; experimentKey?: string }, offset: number, limit: number): Promise<{ items: AlertDeliveryEntity[]; totalCount: number }> {
    if (filter.status && !DELIVERY_STATUSES.includes(filter.status)) throw new AlertError('INVALID_INPUT', `status must be one of ${DELIVERY_STATUSES.join(', ')}, got "${filter.status}"`);
    if (filter.channel && !['email', 'webhook'].includes(filter.channel)) throw new AlertError('INVALID_INPUT', `channel must be email or webhook, got "${filter.channel}"`);
    const where = {
      ...(filter.subscriptionId ? { subscriptionId: filter.subscriptionId } : {}),
      ...(filter.candidateId ? { candidateId: filter.candidateId } : {}),
      ...(filter.status ? { status: filter.status as AlertDeliveryEntity['status'] } : {}),
      ...(filter.channel ? { channel: filter.channel as AlertDeliveryEntity['channel'] } : {}),
      ...(filter.experimentKey ? { experimentKey: filter.experimentKey } : {}),
    };
    const [items, totalCount] = await this.db.getRepository(AlertDeliveryEntity).findAndCount({ where, order: { id: 'DESC' }, skip: offset, take: limit });
    return { items, totalCount };
  }

  async delivery(id: string): Promise<AlertDeliveryEntity> {
    if (!/^\d{1,18}$/.test(id)) throw new AlertError('INVALID_INPUT', `id must be a numeric id, got "${id}"`);
    const row = await this.db.getRepository(AlertDeliveryEntity).findOne({ where: { id } });
    if (!row) throw new AlertError('NOT_FOUND', `alert delivery ${id} not found`);
    return row;
  }

  async subscription(id: string): Promise<AlertSubscriptionEntity> {
    if (!/^\d{1,18}$/.test(id)) throw new AlertError('INVALID_INPUT', `id must be a numeric id, got "${id}"`);
    const row = await this.db.getRepository(AlertSubscriptionEntity).findOne({ where: { id } });
    if (!row) throw new AlertError('NOT_FOUND', `alert subscription ${id} not found`);
    return row;
  }

  /**
   * Alerts sent per UTC day and (experiment, variant) over the last `days` days, with the alerts that got at least one
   * click / apply: interactions carrying the alert's ranking id (tracked email links, or clicks and applies a
   * downstream app logs with it).
   */
  async overview(days: number, now = new Date()): Promise<AlertOverview> {
    if (!Number.isInteger(days) || days < 1 || days > 365) throw new AlertError('INVALID_INPUT', `days must be 1–365, got ${days}`);
    const to = now;
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
    const rows: Array<Record<string, string | null>> = await this.db.query(
      `WITH d AS (
         SELECT id, ranking_id, experiment_key, variant, jsonb_array_length(items) AS items, to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
         FROM alert_deliveries WHERE status = 'sent' AND sent_at >= $1 AND sent_at <= $2),
       e AS (
         SELECT d.id, count(*) FILTER (WHERE i.type = 'click') AS clicks, count(*) FILTER (WHERE i.type = 'apply') AS applies
         FROM d JOIN interactions i ON i.ranking_id = d.ranking_id AND i.type IN ('click', 'apply')
         GROUP BY d.id)
       SELECT d.day, d.experiment_key, d.variant, count(*) AS sent, sum(d.items) AS items,
              count(*) FILTER (WHERE coalesce(e.clicks, 0) > 0) AS clicked, count(*) FILTER (WHERE coalesce(e.applies, 0) > 0) AS applied,
              coalesce(sum(e.clicks), 0) AS clicks, coalesce(sum(e.applies), 0) AS applies
       FROM d LEFT JOIN e ON e.id = d.id
       GROUP BY d.day, d.experiment_key, d.variant
       ORDER BY d.day, d.experiment_key NULLS FIRST, d.variant NULLS FIRST`,
      [from, to],
    );
    const failed: Array<{ n: string }> = await this.db.query(`SELECT count(*) AS n FROM alert_deliveries WHERE status = 'failed' AND created_at >= $1 AND created_at <= $2`, [from, to]);
    const subs: Array<{ status: string; n: string }> = await this.db.query(`SELECT status, count(*) AS n FROM alert_subscriptions GROUP BY status`);
    const out = rows.map((r) => ({
      day: r['day']!,
      experimentKey: r['experiment_key'] ?? null,
      variant: r['variant'] ?? null,
      sent: Number(r['sent']),
      items: Number(r['items']),
      clicked: Number(r['clicked']),
      applied: Number(r['applied']),
      clicks: Number(r['clicks']),
      applies: Number(r['applies']),
    }));
    return {
      from,
      to,
      sent: out.reduce((s, r) => s + r.sent, 0),
      failed: Number(failed[0]?.n ?? 0),
      activeSubscriptions: Number(subs.find((s) => s.status === 'active')?.n ?? 0),
      pausedSubscriptions: Number(subs.find((s) => s.status === 'paused')?.n ?? 0),
      opensTracked: false,
      days: out,
    };
  }
}
