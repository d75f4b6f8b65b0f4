import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveConfig } from '../../config.js';
import { GRAFANA_SSLMODES, grafanaDatabaseTarget } from '../../grafana/grafanaDatabaseTarget.js';
import { grafanaProvisioning } from '../../grafana/grafanaProvisioning.js';
import { type Command, EXIT } from '../Command.js';
import { UsageError } from '../UsageError.js';

export const grafanaCommand: Command = {
  usage:
    'pgtel grafana export [--out DIR] [--host HOST:PORT] [--database NAME] [--user ROLE] [--sslmode MODE] ' +
    '[--sslrootcert FILE] [--sslcert FILE] [--sslkey FILE] [--json]  (defaults: those of DATABASE_URL)',
  options: {
    out: { type: 'string' },
    host: { type: 'string' },
    database: { type: 'string' },
    user: { type: 'string' },
    sslmode: { type: 'string' },
    sslrootcert: { type: 'string' },
    sslcert: { type: 'string' },
    sslkey: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    if (positionals[0] !== 'export' || positionals.length > 1)
      throw new UsageError('expected: pgtel grafana export');
    const out = typeof values.out === 'string' ? values.out : 'grafana';
    const flag = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const config = resolveConfig({}, io.env);
    if (config.databaseUrl === undefined) {
      io.err(
        'warning: no DATABASE_URL, so pgtel uses its embedded database, which Grafana cannot reach; ' +
          'the data source points at --host and --database (default localhost:5432/postgres). ' +
          'Run pgtel on PostgreSQL (DATABASE_URL) to see its data in Grafana.\n',
      );
    }
    const fromUrl = config.databaseUrl === undefined ? {} : grafanaDatabaseTarget(config.databaseUrl);
    const chosen = {
      host: flag('host'),
      database: flag('database'),
      user: flag('user'),
      sslmode: flag('sslmode'),
      sslRootCertFile: flag('sslrootcert'),
      sslCertFile: flag('sslcert'),
      sslKeyFile: flag('sslkey'),
    };
    const options = {
      schema: config.schema,
      ...fromUrl,
      ...Object.fromEntries(Object.entries(chosen).filter(([, v]) => v !== undefined)),
    };
    const sslmode = options.sslmode ?? 'disable';
    if (!(GRAFANA_SSLMODES as readonly string[]).includes(sslmode)) {
      throw new UsageError(
        `Grafana's PostgreSQL data source knows sslmode ${GRAFANA_SSLMODES.join(', ')}, not "${sslmode}"` +
          `${chosen.sslmode === undefined ? ' (from DATABASE_URL)' : ''}: pass --sslmode`,
      );
    }
    const files = grafanaProvisioning(options);
    for (const file of files) {
      const target = join(out, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
    if (values.json) {
      io.out(`${JSON.stringify({ files: files.map((f) => join(out, f.path)) })}\n`);
    } else {
      for (const file of files) io.out(`wrote ${join(out, file.path)}\n`);
      io.out('Mount the provisioning folder at /etc/grafana/provisioning and set PGTEL_GRAFANA_PASSWORD.\n');
    }
    return EXIT.ok;
  },
};
