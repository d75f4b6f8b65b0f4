/** What an application needs to send pgtel its telemetry. */
export interface TelemetryEnv {
  /** The OTLP/HTTP base URL (this server). */
  endpoint: string;
  /** Whether ingest needs the bearer token. */
  tokenRequired: boolean;
  /** `NAME=value` lines for a shell or a `.env` file; a token appears only as a placeholder. */
  lines: string[];
}

/**
 * The environment lines of the OpenTelemetry SDKs (any language) pointing at `origin`. The token is
 * never echoed: the lines hold `<your token>` for the user to fill in.
 */
export function telemetryEnv(origin: string, tokenRequired: boolean): TelemetryEnv {
  const lines = [
    `OTEL_EXPORTER_OTLP_ENDPOINT=${origin}`,
    'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    'OTEL_SERVICE_NAME=my-service',
  ];
  if (tokenRequired) lines.push('OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<your token>');
  return { endpoint: origin, tokenRequired, lines };
}
