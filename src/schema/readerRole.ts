import type { DatabaseSession } from '../db/Database.js';
import { quoteIdent, quoteLiteral } from '../db/quoteIdent.js';

/**
 * The role user SQL (`pgtel query`, SQL alert rules) runs as: no login, no attribute, `USAGE` on
 * pgtel's schema and `SELECT` on its tables and views, nothing else. Cluster-wide, shared by every
 * pgtel schema of the server.
 */
export const READER_ROLE = 'pgtel_reader';

/** The SECURITY DEFINER function, owned by the reader role, that runs one user query as that role. */
export const READER_FUNCTION = 'run_as_reader';

/** Its signature for `to_regprocedure`: (query, row limit, the value of `$1`). */
export const READER_FUNCTION_ARGS = '(text, bigint, timestamptz)';

/**
 * The setup of the reader role for one schema (pure; idempotent, safe under concurrent runs). User
 * SQL runs inside a SECURITY DEFINER function owned by the role, so PostgreSQL itself refuses a
 * `set_config('role', ...)` or `session_authorization` back to the connecting role there. Everything
 * is one block: a connecting role that may not create roles or hand the function over leaves the
 * database untouched (a NOTICE says why) and user SQL then runs as the connecting role.
 */
export function readerRoleSql(schema: string): string {
  const s = quoteIdent(schema);
  const role = quoteIdent(READER_ROLE);
  const fn = `${s}.${quoteIdent(READER_FUNCTION)}${READER_FUNCTION_ARGS}`;
  return `DO $pgtel_reader$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(READER_ROLE)}) THEN
    BEGIN
      CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created by a concurrent migrate
    END;
  END IF;
  GRANT USAGE ON SCHEMA ${s} TO ${role};
  GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${role};
  ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${role};
  CREATE OR REPLACE FUNCTION ${s}.${quoteIdent(READER_FUNCTION)}(query text, row_limit bigint, at timestamptz)
    RETURNS SETOF json LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${s}, public AS $fn$
  BEGIN
    -- RETURN QUERY EXECUTE opens a cursor: exactly one statement, and only a row-returning one.
    RETURN QUERY EXECUTE format(E'SELECT to_json(r) FROM (\\n%s\\n) AS r LIMIT %s', query, row_limit) USING at;
  END
  $fn$;
  ALTER FUNCTION ${fn} OWNER TO ${role};
  REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION ${fn} TO CURRENT_USER;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pgtel: role ${READER_ROLE} not set up (%): user SQL runs as the connecting role', SQLERRM;
END
$pgtel_reader$`;
}

/** Whether user SQL of this schema runs as the reader role: its function exists and this role may run it. */
export async function readerRoleReady(db: DatabaseSession): Promise<boolean> {
  const found = await db.query<{ ready: boolean }>(
    `SELECT coalesce(has_function_privilege(to_regprocedure($1), 'EXECUTE'), false) AS ready`,
    [`${db.table(READER_FUNCTION)}${READER_FUNCTION_ARGS}`],
  );
  return found.rows[0]?.ready === true;
}

/** Sets up the reader role for the session's schema; true when user SQL now runs as it. */
export async function ensureReaderRole(db: DatabaseSession): Promise<boolean> {
  await db.exec(readerRoleSql(db.schema));
  return readerRoleReady(db);
}
