import type { MigrationInterface, QueryRunner } from 'typeorm';

const MB = 1024 * 1024;

/** The three plans. Prices in cents per extra minute; null monthly cap means unlimited. */
export class SeedPlans1795899000001 implements MigrationInterface {
  name = 'SeedPlans1795899000001';

  async up(q: QueryRunner): Promise<void> {
    const rows: [string, string, number, number, number, number | null, number, number][] = [
      // id, name, included min, cents/extra min, concurrent, max min/month, max bytes, max sec
      ['free', 'Free', 60, 0, 2, 60, 200 * MB, 120],
      ['pro', 'Pro', 1000, 5, 10, 20000, 2048 * MB, 1800],
      ['enterprise', 'Enterprise', 10000, 3, 100, null, 4096 * MB, 7200],
    ];
    for (const r of rows) {
      await q.query(
        `INSERT INTO plans (id, name, included_video_minutes, price_per_extra_minute_cents, max_concurrent_jobs,
           max_video_minutes_per_month, max_file_size_bytes, max_duration_sec)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        r,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM plans WHERE id IN ('free', 'pro', 'enterprise')`);
  }
}
