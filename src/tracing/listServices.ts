import type { DatabaseSession } from '../db/Database.js';

/**
 * Names of every service with stored spans, sorted. A skip scan over the (service_name, start_time)
 * index: one index probe per service, however many spans there are.
 */
export async function listServices(db: DatabaseSession): Promise<string[]> {
  const spans = db.table('spans');
  const { rows } = await db.query<{ name: string }>(
    `WITH RECURSIVE services(name) AS (
       (SELECT service_name FROM ${spans} ORDER BY service_name LIMIT 1)
       UNION ALL
       SELECT (SELECT service_name FROM ${spans} WHERE service_name > services.name ORDER BY service_name LIMIT 1)
         FROM services WHERE services.name IS NOT NULL)
     SELECT name FROM services WHERE name IS NOT NULL`,
  );
  return rows.map((r) => r.name);
}

/**
 * Operation names of one service, sorted. A skip scan over the (service_name, operation_name,
 * start_time) index.
 */
export async function listOperations(db: DatabaseSession, service: string): Promise<string[]> {
  const spans = db.table('spans');
  const { rows } = await db.query<{ name: string }>(
    `WITH RECURSIVE operations(name) AS (
       (SELECT operation_name FROM ${spans} WHERE service_name = $1 ORDER BY operation_name LIMIT 1)
       UNION ALL
       SELECT (SELECT operation_name FROM ${spans}
                WHERE service_name = $1 AND operation_name > operations.name ORDER BY operation_name LIMIT 1)
         FROM operations WHERE operations.name IS NOT NULL)
     SELECT name FROM operations WHERE name IS NOT NULL`,
    [service],
  );
  return rows.map((r) => r.name);
}
