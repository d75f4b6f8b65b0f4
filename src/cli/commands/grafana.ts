import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveConfig } from '../../config.js';
import { grafanaProvisioning } from '../../grafana/grafanaProvisioning.js';
import { type Command, EXIT } from '../Command.js';
import { UsageError } from '../UsageError.js';

export const grafanaCommand: Command = {
  name: 'grafana',
  summary: "Write Grafana provisioning (data source + dashboard over pgtel's tables)",
  usage:
    'pgtel grafana export [--out DIR] [--host HOST:PORT] [--database NAME] [--user ROLE] [--sslmode MODE] [--json]',
  options: {
    out: { type: 'string' },
    host: { type: 'string' },
    database: { type: 'string' },
    user: { type: 'string' },
    sslmode: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    if (positionals[0] !== 'export' || positionals.length > 1)
      throw new UsageError('expected: pgtel grafana export');
    const out = typeof values.out === 'string' ? values.out : 'grafana';
    const option = (name: string) =>
      typeof values[name] === 'string' ? { [name]: values[name] as string } : {};
    const files = grafanaProvisioning({
      schema: resolveConfig({}, io.env).schema,
      ...option('host'),
      ...option('database'),
      ...option('user'),
      ...option('sslmode'),
    });
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
