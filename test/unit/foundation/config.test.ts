import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionDefinitions, resolveConfig } from '../../../src/config.js';
import { renderConfigTable } from '../../../src/configTable.js';
import { ConfigError } from '../../../src/errors.js';

describe('resolveConfig', () => {
  it('uses defaults when nothing is set', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: './.pgtel/data',
      schema: 'observability',
      poolSize: 10,
      partitionsAhead: 2,
    });
  });

  it('pauses 5 s before shutting down only inside Kubernetes, unless set', () => {
    expect(resolveConfig({}, {}).shutdownDelayMs).toBe(0);
    const kubernetes = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
    expect(resolveConfig({}, kubernetes).shutdownDelayMs).toBe(5000);
    expect(resolveConfig({}, { ...kubernetes, PGTEL_SHUTDOWN_DELAY_MS: '250' }).shutdownDelayMs).toBe(250);
    expect(resolveConfig({ shutdownDelayMs: 1000 }, kubernetes).shutdownDelayMs).toBe(1000);
    expect(resolveConfig({}, { KUBERNETES_SERVICE_HOST: '' }).shutdownDelayMs).toBe(0);
  });

  it('prefers explicit options over environment over defaults', () => {
    const env = { PGTEL_POOL_SIZE: '4', PGTEL_SCHEMA: 'from_env', DATABASE_URL: 'postgres://a@h/db' };
    expect(resolveConfig({ poolSize: 7 }, env)).toMatchObject({
      poolSize: 7,
      schema: 'from_env',
      databaseUrl: 'postgres://a@h/db',
    });
  });

  it('reads PGTEL_DATABASE_URL before DATABASE_URL', () => {
    const env = { PGTEL_DATABASE_URL: 'postgres://first@h/db', DATABASE_URL: 'postgres://second@h/db' };
    expect(resolveConfig({}, env).databaseUrl).toBe('postgres://first@h/db');
  });

  it('parses per-table retention', () => {
    expect(resolveConfig({}, { PGTEL_RETENTION_DAYS: 'metrics=180, spans=14' }).retentionDays).toEqual({
      metrics: 180,
      spans: 14,
    });
  });

  it.each([
    [{ PGTEL_POOL_SIZE: 'ten' }, /PGTEL_POOL_SIZE must be a whole number from 1 to 1000 \(got "ten"\)/],
    [{ PGTEL_LOG_LEVEL: 'loud' }, /PGTEL_LOG_LEVEL must be one of debug, info, warn, error, silent/],
    [{ PGTEL_RETENTION_DAYS: 'metrics=-1' }, /PGTEL_RETENTION_DAYS must be a list like metrics=90/],
    [{ PGTEL_PARTITIONS_AHEAD: '99' }, /PGTEL_PARTITIONS_AHEAD must be a whole number from 0 to 24/],
    [{ PGTEL_PUBLIC_URL: 'pgtel.example.com' }, /PGTEL_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/],
  ])('rejects invalid environment %j naming the variable and the fix', (env, message) => {
    expect(() => resolveConfig({}, env)).toThrowError(ConfigError);
    expect(() => resolveConfig({}, env)).toThrowError(message);
  });

  it('never echoes a connection string it rejects', () => {
    const env = { DATABASE_URL: 'mysql://root:hunter2@db/app' };
    expect(() => resolveConfig({}, env)).toThrowError(
      /DATABASE_URL must start with postgres:\/\/.*\(value hidden\)/,
    );
    expect(() => resolveConfig({}, env)).not.toThrowError(/hunter2/);
  });

  it.each([
    [
      { PGTEL_API_TOKEN: 'short-s3cret' },
      /PGTEL_API_TOKEN must be at least 16 characters \(got \(value hidden\)\)/,
    ],
    [{ PGTEL_DATABASE_URL: 'http://u:s3cret@h' }, /PGTEL_DATABASE_URL must start with postgres/],
  ])('never echoes a secret it rejects (%j)', (env, message) => {
    expect(() => resolveConfig({}, env)).toThrowError(message);
    expect(() => resolveConfig({}, env)).not.toThrowError(/s3cret/);
    expect(() => resolveConfig({ apiToken: 'short-s3cret' }, {})).not.toThrowError(/s3cret/);
  });

  it('rejects invalid explicit options', () => {
    expect(() => resolveConfig({ poolSize: 0 }, {})).toThrowError(/Option poolSize must be a whole number/);
    expect(() => resolveConfig({ schema: '' }, {})).toThrowError(/Option schema/);
  });

  it('reads the OTLP/gRPC port: 4317 by default, a number, 0 for any free one, or off', () => {
    expect(resolveConfig({}, {}).grpcPort).toBe(4317);
    expect(resolveConfig({}, { PGTEL_GRPC_PORT: '0' }).grpcPort).toBe(0);
    expect(resolveConfig({}, { PGTEL_GRPC_PORT: ' OFF ' }).grpcPort).toBe('off');
    expect(resolveConfig({ grpcPort: 'off' }, { PGTEL_GRPC_PORT: '5317' }).grpcPort).toBe('off');
    for (const raw of ['65536', '-1', 'no', '43 17']) {
      expect(() => resolveConfig({}, { PGTEL_GRPC_PORT: raw })).toThrow(
        /PGTEL_GRPC_PORT must be a whole number from 0 to 65535, or off .*option grpcPort/,
      );
    }
    expect(() => resolveConfig({ grpcPort: 1.5 })).toThrow(ConfigError);
  });

  it('documents every option in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable());
    for (const definition of optionDefinitions) expect(readme).toContain(`\`${definition.key}\``);
  });
});
