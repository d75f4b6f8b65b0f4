import { PgtelServer } from '../../http/PgtelServer.js';
import type { Command } from '../Command.js';

/** What `pgtel serve` prints on start: its URLs and the environment an application needs. */
export function serveBanner(url: string, database: string, token: boolean): string {
  return [
    `pgtel serving on ${url} (${database})`,
    `  dashboard  ${url}/`,
    `  probes     ${url}/livez  ${url}/readyz  ${url}/startupz`,
    `  metrics    ${url}/metrics`,
    `  OTLP/HTTP  ${url}/v1/traces  ${url}/v1/metrics`,
    `  JSON API   ${url}/api`,
    '',
    'Send telemetry from any OpenTelemetry SDK with:',
    `  export OTEL_EXPORTER_OTLP_ENDPOINT=${url}`,
    '  export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    '  export OTEL_SERVICE_NAME=my-service',
    ...(token ? ['  export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <PGTEL_API_TOKEN>"'] : []),
    '',
  ].join('\n');
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the service: probes, /metrics, OTLP ingest, JSON API, dashboard, background jobs',
  usage: 'pgtel serve [--demo] [--port N] [--host H]',
  options: { demo: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }, io) {
    const server = await PgtelServer.start({
      ...(values.port !== undefined ? { port: Number(values.port) } : {}),
      ...(values.host !== undefined ? { host: String(values.host) } : {}),
      demo: values.demo === true,
      handleSignals: true,
    });
    io.out(serveBanner(server.url, server.db.description, server.config.apiToken !== undefined));
    if (values.demo) io.out(`Demo data is arriving: open ${server.url}/ in a browser.\n`);
    // Runs until SIGTERM or SIGINT: the shutdown sequence then exits the process.
    return new Promise<number>(() => {});
  },
};
