import { redact } from '../redact.js';
import type { CheckResult, HealthStatus } from './HealthStatus.js';

/** The four probe endpoints; the name doubles as the path (`/livez`...). */
export type HealthEndpoint = 'livez' | 'readyz' | 'startupz' | 'health';

export interface RenderOptions {
  endpoint: HealthEndpoint;
  /** `application/health+json` instead of plain text. */
  json: boolean;
  /** kube-apiserver's `?verbose`: one line per check in plain text. */
  verbose: boolean;
  /** Check names, messages and errors may be shown (configured or authorized). */
  showDetails: boolean;
  /** A HEAD request: same status and headers, no body. */
  head: boolean;
}

const HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** 200 on pass and warn, 503 on fail: a probe never answers 500. */
export function probeHttpStatus(status: HealthStatus): number {
  return status.status === 'fail' ? 503 : 200;
}

function checkOutput(result: CheckResult): string {
  const text =
    result.error && result.error !== result.message ? `${result.message}: ${result.error}` : result.message;
  return redact(text);
}

function jsonBody(status: HealthStatus, options: RenderOptions): string {
  const body: Record<string, unknown> = { status: status.status, description: options.endpoint };
  if (options.showDetails) {
    if (status.status !== 'pass') body.output = redact(status.message);
    const checks: Record<string, unknown[]> = {};
    for (const [name, result] of Object.entries(status.details.checks)) {
      const entry: Record<string, unknown> = {
        status: result.status,
        time: result.checkedAt.toISOString(),
        critical: result.critical,
      };
      if (result.status !== 'pass') entry.output = checkOutput(result);
      if (result.observedValue !== undefined) entry.observedValue = result.observedValue;
      if (result.observedUnit !== undefined) entry.observedUnit = result.observedUnit;
      checks[name] = [entry];
    }
    body.checks = checks;
  }
  return `${JSON.stringify(body)}\n`;
}

function checkLine(name: string, result: CheckResult): string {
  if (result.status === 'pass') return `[+]${name} ok`;
  if (result.status === 'warn') return `[!]${name} warn: ${checkOutput(result)}`;
  return `[-]${name} failed${result.critical ? '' : ' (non-critical)'}: ${checkOutput(result)}`;
}

function textBody(status: HealthStatus, options: RenderOptions): string {
  const failed = status.status === 'fail';
  const verdict = `${options.endpoint} check ${failed ? 'failed' : 'passed'}`;
  // Like kube-apiserver: a failure lists its checks when details may be shown.
  const listing = options.showDetails && (options.verbose || failed);
  if (!listing) return options.verbose || failed ? `${verdict}\n` : 'ok\n';
  const lines = Object.entries(status.details.checks).map(([name, result]) => checkLine(name, result));
  if (Object.keys(status.details.checks).length === 0 && status.status !== 'pass') {
    lines.push(redact(status.message));
  }
  return `${[...lines, verdict].join('\n')}\n`;
}

/** Renders a probe result as an HTTP response (pure: no I/O, secrets redacted). */
export function renderHealthResponse(status: HealthStatus, options: RenderOptions): Response {
  const contentType = options.json ? 'application/health+json' : 'text/plain; charset=utf-8';
  const body = options.json ? jsonBody(status, options) : textBody(status, options);
  return new Response(options.head ? null : body, {
    status: probeHttpStatus(status),
    headers: { ...HEADERS, 'content-type': contentType },
  });
}
