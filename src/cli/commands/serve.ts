import { parseGrpcPort } from '../../config.js';
import { PgtelServer } from '../../serve/PgtelServer.js';
import type { Command } from '../Command.js';

/**
 * What `pgtel serve` prints on start: its URLs and the environment an application needs.
 * `grpcUrl` is the OTLP/gRPC endpoint, undefined when gRPC is off.
 */
export function serveBanner(url: string, database: string, token: boolean, grpcUrl?: string): string {
  return [
    `pgtel serving on ${url} (${database})`,
    `  dashboard  ${url}/`,
    `  probes     ${url}/livez  ${url}/readyz  ${url}/startupz`,
    `  metrics    ${url}/metrics`,
    `  OTLP/HTTP  ${url}/v1/traces  ${url}/v1/metrics  ${url}/v1/logs`,
    `  OTLP/gRPC  ${grpcUrl ?? 'off'}`,
    `  JSON API   ${url}/api`,
    '',
    'Send telemetry from any OpenTelemetry SDK with:',
    `  export OTEL_EXPORTER_OTLP_ENDPOINT=${url}`,
    '  export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    '  export OTEL_SERVICE_NAME=my-service',
    ...(token ? ['  export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <PGTEL_API_TOKEN>"'] : []),
    ...(grpcUrl
      ? [
          'or over gRPC:',
          `  export OTEL_EXPORTER_OTLP_ENDPOINT=${grpcUrl}`,
          '  export OTEL_EXPORTER_OTLP_PROTOCOL=grpc',
        ]
      : []),
    '',
  ].join('\n');
}

export const serveCommand: Command = {
  usage: 'pgtel serve [--demo] [--port N] [--host H] [--grpc-port N|off]',
  options: {
    demo: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    'grpc-port': { type: 'string' },
  },
  async run({ values }, io) {
    const server = await PgtelServer.start({
      ...(values.port !== undefined ? { port: Number(values.port) } : {}),
      ...(values.host !== undefined ? { host: String(values.host) } : {}),
      ...(values['grpc-port'] !== undefined ? { grpcPort: parseGrpcPort(String(values['grpc-port'])) } : {}),
      demo: values.demo === true,
      handleSignals: true,
    });
    io.out(
      serveBanner(server.url, server.db.description, server.config.apiToken !== undefined, server.grpc?.url),
    );
    if (values.demo) io.out(`Demo data is arriving: open ${server.url}/ in a browser.\n`);
    // Runs until SIGTERM or SIGINT: the shutdown sequence then exits the process.
    return new Promise<number>(() => {});
  },
};
