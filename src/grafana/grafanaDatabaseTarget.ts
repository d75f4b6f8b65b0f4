import type { GrafanaProvisioningOptions } from './grafanaProvisioning.js';

/** The `sslmode` values Grafana's PostgreSQL data source knows (libpq's `allow` and `prefer` it does not). */
export const GRAFANA_SSLMODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/** Where Grafana reaches pgtel's database, as far as a connection string tells. */
export type GrafanaDatabaseTarget = Pick<
  GrafanaProvisioningOptions,
  'host' | 'database' | 'sslmode' | 'sslRootCertFile' | 'sslCertFile' | 'sslKeyFile'
>;

/**
 * The data source settings of a `postgres://` connection string (pure): host and port, database
 * (libpq's default: the user's name), and TLS: `sslmode` (`ssl=true` alone means a verified
 * connection, as for the `pg` driver), `sslrootcert`, `sslcert` and `sslkey`. Never the password.
 */
export function grafanaDatabaseTarget(databaseUrl: string): GrafanaDatabaseTarget {
  const url = new URL(databaseUrl);
  const param = (name: string) => url.searchParams.get(name) ?? undefined;
  const user = decodeURIComponent(url.username);
  const ssl = param('ssl');
  const sslmode = param('sslmode') ?? (ssl === 'true' || ssl === '1' ? 'verify-full' : undefined);
  const target: GrafanaDatabaseTarget = {
    host: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
    database: decodeURIComponent(url.pathname.slice(1)) || user || 'postgres',
    sslmode,
    sslRootCertFile: param('sslrootcert'),
    sslCertFile: param('sslcert'),
    sslKeyFile: param('sslkey'),
  };
  return Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined));
}
