import { type PgtelConfig, resolveConfig } from '../../config.js';
import type { Database } from '../../db/Database.js';
import { DataDirLock } from '../../db/DataDirLock.js';
import { redact } from '../../redact.js';
import { monthsAhead, partitionName } from '../../schema/partitionMath.js';
import { READER_ROLE, readerRoleReady } from '../../schema/readerRole.js';
import { describeChecksumMismatch } from '../../schema/schemaCompatibility.js';
import { type SchemaStatus, schemaStatus } from '../../schema/schemaStatus.js';
import { reachableUrl } from '../../serve/reachableUrl.js';
import { explicitServerUrl } from '../api/connectApi.js';
import { assertEmbeddedDatabaseExists } from '../api/runningServerUrl.js';
import { type CliIo, type Command, EXIT } from '../Command.js';
import { plural } from '../plural.js';
import { styleFor } from '../Style.js';
import { printJson } from '../withApi.js';

/** One finding of `pgtel doctor`; `fix` says what to do when it is not a pass. */
export interface DoctorFinding {
  check: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

/** Clock skew above this is reported (timestamps of spans and metrics would be off). */
const SKEW_WARN_MS = 2_000;

function skewFinding(localMs: number, serverMs: number, against: string): DoctorFinding {
  const skew = serverMs - localMs;
  return Math.abs(skew) <= SKEW_WARN_MS
    ? { check: 'clock', status: 'pass', message: `within ${SKEW_WARN_MS} ms of ${against}` }
    : {
        check: 'clock',
        status: 'warn',
        message: `this machine's clock is ${Math.round(-skew)} ms off ${against}`,
        fix: 'synchronise clocks with NTP (timedatectl set-ntp true / chrony); spans and metrics use local time',
      };
}

function migrationsFinding(status: SchemaStatus): DoctorFinding {
  if (status.breakingAhead.length > 0) {
    return {
      check: 'migrations',
      status: 'fail',
      message: `schema "${status.schema}" at version ${status.version} has breaking migration ${status.breakingAhead.join(', ')} this pgtel (up to ${status.latest}) does not know`,
      fix: 'upgrade pgtel to the version that migrated the schema',
    };
  }
  if (status.pending.length > 0) {
    return {
      check: 'migrations',
      status: 'fail',
      message: `${status.pending.length} pending: ${status.pending.join(', ')}`,
      fix: 'run pgtel migrate (pgtel serve also migrates on start)',
    };
  }
  const newer =
    status.newer.length > 0
      ? `, newer than this pgtel (${status.latest}): ${status.newer.join(', ')} additive`
      : '';
  return {
    check: 'migrations',
    status: 'pass',
    message: `schema "${status.schema}" at version ${status.version}${newer}`,
  };
}

function checksumFinding(status: SchemaStatus): DoctorFinding {
  if (status.checksumMismatches.length === 0) {
    return {
      check: 'migration checksums',
      status: 'pass',
      message: 'every applied migration matches this pgtel',
    };
  }
  return {
    check: 'migration checksums',
    status: 'fail',
    message: status.checksumMismatches.map(describeChecksumMismatch).join('; '),
    fix: "the schema may differ from what this pgtel expects: compare it with the migration's file in this pgtel's sql/migrations",
  };
}

/** Whether user SQL (pgtel query, SQL rules) runs as the reader role, loudly when it runs as a superuser. */
async function readerFinding(db: Database): Promise<DoctorFinding> {
  if (await readerRoleReady(db))
    return { check: 'query role', status: 'pass', message: `user SQL runs as ${READER_ROLE}` };
  const role = await db.query<{ name: string; superuser: boolean }>(
    'SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
  );
  const { name, superuser } = role.rows[0] ?? { name: 'the connecting role', superuser: false };
  return superuser
    ? {
        check: 'query role',
        status: 'warn',
        message:
          `WARNING: role ${READER_ROLE} is not set up, so pgtel query and SQL alert rules run as the superuser ${name}: ` +
          'they can read server files, create replication slots, switch WAL and read every schema',
        fix: `run pgtel migrate as a role that may create roles, or create ${READER_ROLE} as docs/operations.md shows`,
      }
    : {
        check: 'query role',
        status: 'pass',
        message: `user SQL runs READ ONLY as ${name} (not a superuser; ${READER_ROLE} not set up)`,
      };
}

async function databaseFindings(db: Database, config: PgtelConfig): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const before = Date.now();
  const now = (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now.getTime();
  findings.push(skewFinding((before + Date.now()) / 2, now, 'the database server'));
  const status = await schemaStatus(db);
  findings.push(migrationsFinding(status), checksumFinding(status));
  if (status.version === 0) return findings;
  findings.push(await readerFinding(db));
  const tables = await db.query<{ table_name: string; partitions: string[] }>(
    `SELECT t.table_name, coalesce(array_agg(c.relname) FILTER (WHERE c.relname IS NOT NULL), '{}') AS partitions
       FROM ${db.table('partitioned_tables')} t
       LEFT JOIN pg_inherits i ON i.inhparent = to_regclass(quote_ident($1) || '.' || quote_ident(t.table_name))
       LEFT JOIN pg_class c ON c.oid = i.inhrelid
      GROUP BY t.table_name ORDER BY t.table_name`,
    [db.schema],
  );
  const missing = tables.rows.flatMap((t) =>
    monthsAhead(Date.now(), config.partitionsAhead)
      .map((month) => partitionName(t.table_name, month))
      .filter((name) => !t.partitions.includes(name)),
  );
  findings.push(
    missing.length === 0
      ? {
          check: 'partitions',
          status: 'pass',
          message: `${tables.rows.length} tables partitioned ${plural(config.partitionsAhead, 'month')} ahead`,
        }
      : {
          check: 'partitions',
          status: 'warn',
          message: `missing ${plural(missing.length, 'partition')}: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', ...' : ''}`,
          fix: 'run pgtel migrate or keep pgtel serve running (its maintenance job creates them); rows land in the default partitions meanwhile',
        },
  );
  return findings;
}

async function serverFindings(url: string, env: NodeJS.ProcessEnv): Promise<DoctorFinding[]> {
  const token = env.PGTEL_API_TOKEN;
  const before = Date.now();
  let response: Response;
  try {
    response = await fetch(`${url}/readyz`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    return [
      {
        check: 'server',
        status: 'fail',
        message: `no answer from ${url} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`,
        fix: 'start it with pgtel serve, or point --url / PGTEL_URL at it',
      },
    ];
  }
  await response.body?.cancel();
  const findings: DoctorFinding[] = [
    response.ok
      ? { check: 'server', status: 'pass', message: `${url} is ready` }
      : {
          check: 'server',
          status: 'fail',
          message: `${url}/readyz answered ${response.status}`,
          fix: 'see pgtel serve logs and /api/health for the failing check',
        },
  ];
  const date = response.headers.get('date');
  // The Date header has one-second resolution: half a second is added for its truncation.
  if (date) findings.push(skewFinding((before + Date.now()) / 2, Date.parse(date) + 500, 'the server'));
  return findings;
}

/** Runs every check; never throws (a failure is a finding). */
export async function diagnose(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<DoctorFinding[]> {
  let config: PgtelConfig;
  try {
    config = resolveConfig({}, env);
  } catch (error) {
    return [
      {
        check: 'config',
        status: 'fail',
        message: (error as Error).message,
        fix: 'fix or unset that variable',
      },
    ];
  }
  const findings: DoctorFinding[] = [
    {
      check: 'config',
      status: 'pass',
      message: config.databaseUrl ? 'PostgreSQL from DATABASE_URL' : `embedded database in ${config.dataDir}`,
    },
  ];
  const url = explicitServerUrl(values.url, env);
  if (url) return [...findings, ...(await serverFindings(url, env))];
  const holder = config.databaseUrl ? undefined : DataDirLock.holder(config.dataDir);
  if (holder) {
    findings.push({
      check: 'lock',
      status: 'pass',
      message: `the embedded database is held by process ${holder.pid} (a running pgtel serve); checking it over HTTP`,
    });
    return [
      ...findings,
      ...(await serverFindings(holder.url ?? reachableUrl(config.host, config.port), env)),
    ];
  }
  try {
    // Never creates the database it diagnoses: a missing folder is a finding.
    assertEmbeddedDatabaseExists(config);
  } catch (error) {
    findings.push({
      check: 'connectivity',
      status: 'fail',
      message: (error as Error).message,
      fix: 'pgtel migrate (or pgtel serve) creates the embedded database; or set --url, DATABASE_URL or PGTEL_DATA_DIR',
    });
    return findings;
  }
  let db: Database;
  try {
    const { openDatabase } = await import('../../db/openDatabase.js');
    db = await openDatabase(config);
  } catch (error) {
    findings.push({
      check: 'connectivity',
      status: 'fail',
      message: redact((error as Error).message),
      fix: config.databaseUrl
        ? 'check host, port, user and password of DATABASE_URL, and that PostgreSQL accepts connections (pg_isready)'
        : 'check that the data folder is writable; move a corrupted folder away',
    });
    return findings;
  }
  try {
    findings.push({ check: 'connectivity', status: 'pass', message: `connected to ${db.description}` });
    if (!config.databaseUrl)
      findings.push({
        check: 'lock',
        status: 'pass',
        message: 'no other process holds the embedded database',
      });
    findings.push(...(await databaseFindings(db, config)));
  } catch (error) {
    findings.push({ check: 'database', status: 'fail', message: redact((error as Error).message) });
  } finally {
    await db.close();
  }
  return findings;
}

function print(io: CliIo, findings: readonly DoctorFinding[]): void {
  const style = styleFor(io);
  const mark = { pass: style.green('ok  '), warn: style.yellow('warn'), fail: style.red('FAIL') };
  for (const f of findings) {
    io.out(`${mark[f.status]}  ${f.check.padEnd(12)} ${f.message}\n`);
    if (f.fix) io.out(`      ${''.padEnd(12)} fix: ${f.fix}\n`);
  }
}

export const doctorCommand: Command = {
  usage: 'pgtel doctor [--json] [--url URL]   (exit 0 all good, 3 warnings or failures found)',
  options: { json: { type: 'boolean' }, url: { type: 'string' } },
  async run({ values }, io) {
    const findings = await diagnose(values, io.env);
    if (values.json) printJson(io, { ok: findings.every((f) => f.status === 'pass'), findings });
    else print(io, findings);
    return findings.every((f) => f.status === 'pass') ? EXIT.ok : EXIT.unhealthy;
  },
};
