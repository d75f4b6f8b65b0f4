import { describe, expect, it } from 'vitest';
import { grafanaDatabaseTarget } from '../../../src/grafana/grafanaDatabaseTarget.js';
import { grafanaProvisioning } from '../../../src/grafana/grafanaProvisioning.js';

describe('grafanaDatabaseTarget', () => {
  it('takes host, port, database and TLS from the connection string, never the password', () => {
    const target = grafanaDatabaseTarget(
      'postgres://app:hunter2@db.internal:6432/tele%20metry?sslmode=verify-full&sslrootcert=/certs/ca.pem&sslcert=/certs/c.pem&sslkey=/certs/c.key',
    );
    expect(target).toEqual({
      host: 'db.internal:6432',
      database: 'tele metry',
      sslmode: 'verify-full',
      sslRootCertFile: '/certs/ca.pem',
      sslCertFile: '/certs/c.pem',
      sslKeyFile: '/certs/c.key',
    });
    expect(JSON.stringify(target)).not.toContain('hunter2');
  });

  it("defaults like libpq and the pg driver: port 5432, the user's database, ssl=true verified", () => {
    expect(grafanaDatabaseTarget('postgres://app@db/')).toEqual({ host: 'db:5432', database: 'app' });
    expect(grafanaDatabaseTarget('postgres://db/x?ssl=true')).toEqual({
      host: 'db:5432',
      database: 'x',
      sslmode: 'verify-full',
    });
  });

  it('puts the TLS files into the data source as file paths', () => {
    const [datasource] = grafanaProvisioning({ sslmode: 'verify-ca', sslRootCertFile: '/etc/ssl/ca.pem' });
    expect(datasource!.content).toContain('sslmode: "verify-ca"');
    expect(datasource!.content).toContain('tlsConfigurationMethod: "file-path"');
    expect(datasource!.content).toContain('sslRootCertFile: "/etc/ssl/ca.pem"');
    expect(grafanaProvisioning()[0]!.content).not.toContain('tlsConfigurationMethod');
  });
});
