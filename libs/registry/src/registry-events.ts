import { randomUUID } from 'node:crypto';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, type EntityManager } from 'typeorm';

/** Published on the internal bus (key-value pub/sub) after the change commits. */
export const REGISTRY_EVENTS_CHANNEL = 'matchlab:registry-events';

export const REGISTRY_EVENT_TYPES = ['model.registered', 'version.created', 'alias.moved', 'version.archived'] as const;
export type RegistryEventType = (typeof REGISTRY_EVENT_TYPES)[number];

export interface RegistryEvent {
  /** Unique per event ("evt_…"), the same wherever the event goes: webhook receivers deduplicate on it. */
  id: string;
  type: RegistryEventType;
  model: string;
  /** version.created / version.archived: that version; alias.moved: the version the alias points at now. */
  version?: number;
  alias?: string;
  fromVersion?: number | null;
  toVersion?: number | null;
  action?: 'set' | 'rollback';
  actor?: string;
  reason?: string;
  experimentKey?: string | null;
  at: string;
}

/**
 * Every registry event, written in the same transaction as the change it describes (an outbox): consumers
 * that must not miss one (webhooks) read this table; the pub/sub message only wakes them up.
 */
@Entity({ name: 'registry_events' })
export class RegistryEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: RegistryEventType;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'jsonb' })
  payload!: RegistryEvent;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Builds the event and appends it to the outbox inside `tx`; publish it after the transaction commits. */
export async function recordEvent(tx: EntityManager, event: Omit<RegistryEvent, 'id' | 'at'>): Promise<RegistryEvent> {
  const full: RegistryEvent = { id: `evt_${randomUUID().replace(/-/g, '')}`, ...event, at: new Date().toISOString() };
  await tx.query('INSERT INTO registry_events (event_id, type, model, payload) VALUES ($1, $2, $3, $4)', [full.id, full.type, full.model, JSON.stringify(full)]);
  return full;
}
