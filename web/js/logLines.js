import { formatTime, h, keyValues } from './dom.js';
import { traceLink } from './links.js';

/** The OpenTelemetry severity ranges by name (a name covers 4 numbers), lowest first. */
export const SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
export const SEVERITY_COLORS = {
  unspecified: '#bab0ac',
  trace: '#9c755f',
  debug: '#76b7b2',
  info: '#4e79a7',
  warn: '#edc948',
  error: '#e15759',
  fatal: '#b07aa1',
};

export function severityOf(number) {
  return number >= 1 ? SEVERITIES[Math.min(5, Math.floor((number - 1) / 4))] : 'unspecified';
}

/**
 * One log record as a line that opens to its attributes and resource; a line with a trace id links
 * to its trace (and span). `showTrace` false inside a trace's own view.
 */
export function logLine(log, { showTrace = true } = {}) {
  const severity = severityOf(log.severityNumber);
  const details = h(
    'div',
    { class: 'log-details', hidden: true, 'data-testid': 'log-details' },
    h('h3', {}, 'Attributes'),
    keyValues(log.attributes),
    h('h3', {}, 'Resource'),
    keyValues({ 'service.name': log.serviceName, ...log.resource }),
    log.spanId ? h('p', { class: 'muted' }, 'Span ', h('span', { class: 'mono' }, log.spanId)) : null,
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'log-toggle',
      'aria-expanded': 'false',
      onclick: () => {
        details.hidden = !details.hidden;
        toggle.setAttribute('aria-expanded', String(!details.hidden));
      },
    },
    h('time', { datetime: log.timestamp }, formatTime(log.timestamp)),
    h('span', { class: `sev sev-${severity}` }, log.severityText || severity.toUpperCase()),
    h('span', { class: 'svc' }, log.serviceName),
    h('span', { class: 'log-body' }, log.body),
  );
  return h(
    'li',
    { class: `log-line sev-line-${severity}`, 'data-testid': 'log-line' },
    toggle,
    showTrace && log.traceId ? traceLink(log.traceId, log.spanId, 'trace') : null,
    details,
  );
}

/** A list of log lines. */
export function logList(logs, options) {
  return h(
    'ol',
    { class: 'log-lines', 'aria-label': 'Log records' },
    logs.map((l) => logLine(l, options)),
  );
}
