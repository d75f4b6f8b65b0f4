// Writes Grafana provisioning for pgtel: node scripts/grafana-export.mjs [--out grafana] [--schema observability]
// [--host localhost:5432] [--database postgres] [--user grafana] [--sslmode disable]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { grafanaProvisioning } from './grafana/pgtelDashboards.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'grafana' },
    schema: { type: 'string', default: process.env.PGTEL_SCHEMA ?? 'observability' },
    host: { type: 'string' },
    database: { type: 'string' },
    user: { type: 'string' },
    sslmode: { type: 'string' },
  },
});
for (const file of grafanaProvisioning(values)) {
  const target = join(values.out, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  console.log(`wrote ${target}`);
}
console.log('Mount the provisioning folder at /etc/grafana/provisioning and set PGTEL_GRAFANA_PASSWORD.');
