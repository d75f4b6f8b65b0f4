// Storage baselines: the seed's metrics row shape written into the month-partitioned metrics table
// (with its indexes) by pgtel's COPY and by the usual alternatives, each beside a server-side COPY
// of the same rows from a file (PostgreSQL's own floor), in interleaved rounds on an emptied table.

import { toJsonText } from '../src/db/jsonText.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { anchorCopyText, onEmptied, serverSideCopyRate, streamCopyRate } from './copyAnchors.js';
import type { BenchResult } from './harness.js';
import { compareRounds, interleavedRounds, itemsPerSecond } from './harness.js';

const COLUMNS = ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels'];
const ROWS = 100_000;
const PER_ROW_INSERTS = 3_000;
const BATCH = 5_000;
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);

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
    const rows = seedRows(ROWS);
    const copyText = anchorCopyText(rows);
    const single = rows.slice(0, PER_ROW_INSERTS);
    const m = await interleavedRounds(ROUNDS, {
      serverCopy: onEmptied(db, table, () => serverSideCopyRate(db, table, COLUMNS, copyText, ROWS)),
      pgtelCopy: onEmptied(db, table, () =>
        itemsPerSecond(ROWS, async () => {
          for (let i = 0; i < ROWS; i += BATCH)
            await db.copyRows('metrics', COLUMNS, rows.slice(i, i + BATCH));
        }),
      ),
      streamCopy: onEmptied(db, table, () => streamCopyRate(table, COLUMNS, rows, BATCH)),
      unnest: onEmptied(db, table, () =>
        itemsPerSecond(ROWS, async () => {
          for (let start = 0; start < ROWS; start += BATCH) {
            const chunk = rows.slice(start, start + BATCH);
            await db.query(
              `INSERT INTO ${table} (${COLUMNS.join(', ')})
               SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::timestamptz[], $5::jsonb[])`,
              [0, 1, 2, 3, 4].map((c) => chunk.map((row) => (c === 4 ? toJsonText(row[c]) : row[c]))),
            );
          }
        }),
      ),
      insertPerRow: onEmptied(db, table, () =>
        itemsPerSecond(single.length, async () => {
          for (const row of single) {
            await db.query(
              `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5::jsonb)`,
              [row[0], row[1], row[2], row[3], toJsonText(row[4])],
            );
          }
        }),
      ),
    });
    const anchor = 'server-side COPY from a file';
    return [
      compareRounds(
        'storage: pgtel COPY (batches of 5,000)',
        'rows/s',
        m.pgtelCopy,
        m.serverCopy,
        anchor,
        '>= 0.8',
      ),
      compareRounds(
        'storage: pg-copy-streams, plain encoder (batches of 5,000)',
        'rows/s',
        m.streamCopy,
        m.serverCopy,
        anchor,
        '>= 0',
      ),
      compareRounds(
        'storage: INSERT ... unnest (batches of 5,000)',
        'rows/s',
        m.unnest,
        m.serverCopy,
        anchor,
        '>= 0',
      ),
      compareRounds(
        'storage: one INSERT per row, autocommit',
        'rows/s',
        m.insertPerRow,
        m.serverCopy,
        anchor,
        '>= 0',
      ),
    ];
  } finally {
    await dropBenchDatabase(db);
  }
}
