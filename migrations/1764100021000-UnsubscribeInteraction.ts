import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `unsubscribe` joins the interaction types, so an unsubscribe from an alert attributes back to its ranking. */
export class UnsubscribeInteraction1764100021000 implements MigrationInterface {
  name = 'UnsubscribeInteraction1764100021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE interactions DROP CONSTRAINT interactions_type_check`);
    await q.query(`ALTER TABLE interactions ADD CONSTRAINT interactions_type_check CHECK (type IN ('impression','click','save','apply','dismiss','unsubscribe'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fails while unsubscribe rows exist: going back must not drop recorded behaviour silently.
    await q.query(`ALTER TABLE interactions DROP CONSTRAINT interactions_type_check`);
    await q.query(`ALTER TABLE interactions ADD CONSTRAINT interactions_type_check CHECK (type IN ('impression','click','save','apply','dismiss'))`);
  }
}
