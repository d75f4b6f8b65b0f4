// Storage baselines every later benchmark compares to: the seed's metrics row shape written into the
// month-partitioned metrics table (with the seed's indexes) three ways, measured in one run.

import { toJsonText } from '../src/db/jsonText.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import type { BenchResult } from './harness.js';
import { compare, itemsPerSecond } from './harness.js';

const COLUMNS = ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels'];

function seedRows(count: number): unknown[][] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => [
    `pipeline.step_${i % 20}.duration_ms`,
    Math.random() * 1000,
    'histogram',
    new Date(now - (i % 3_600_000)),
    { env: 'bench', host: `worker-${i % 8}`, step: `step_${i % 20}` },
  ]);
}

export default async function storageBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_storage');
  try {
    const table = db.table('metrics');
    const single = seedRows(3_000);
    const insertPerRow = await itemsPerSecond(single.length, async () => {
      for (const row of single) {
        await db.query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
          row[0],
          row[1],
          row[2],
          row[3],
          toJsonText(row[4]),
        ]);
      }
    });

    const batched = seedRows(100_000);
    const unnest = await itemsPerSecond(batched.length, async () => {
      for (let start = 0; start < batched.length; start += 5_000) {
        const chunk = batched.slice(start, start + 5_000);
        await db.query(
          `INSERT INTO ${table} (${COLUMNS.join(', ')})
           SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::timestamptz[], $5::jsonb[])`,
          [0, 1, 2, 3, 4].map((c) => chunk.map((row) => (c === 4 ? toJsonText(row[c]) : row[c]))),
        );
      }
    });

    const copied = seedRows(100_000);
    const copy = await itemsPerSecond(copied.length, async () => {
      for (let start = 0; start < copied.length; start += 5_000) {
        await db.copyRows('metrics', COLUMNS, copied.slice(start, start + 5_000));
      }
    });

    return [
      compare('storage: COPY (batches of 5,000)', 'rows/s', copy, copy, 'COPY', '>= 1'),
      compare('storage: INSERT ... unnest (batches of 5,000)', 'rows/s', unnest, copy, 'COPY', '>= 0.1'),
      compare('storage: one INSERT per row, autocommit (seed)', 'rows/s', insertPerRow, copy, 'COPY', '>= 0'),
    ];
  } finally {
    await dropBenchDatabase(db);
  }
}
