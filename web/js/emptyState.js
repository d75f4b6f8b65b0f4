import { api } from './api.js';
import { h } from './dom.js';

/**
 * A "nothing here yet" panel that tells a newcomer what to do; with `env`, the environment lines that
 * point an OpenTelemetry SDK at this server, and `snippet` for the pgtel library.
 */
export function emptyState(title, text, options = {}) {
  const panel = h(
    'section',
    { class: 'empty', 'data-testid': 'empty-state' },
    h('h2', {}, title),
    h('p', {}, text),
  );
  if (options.env) {
    const pre = h('pre', { class: 'code', 'aria-label': 'Environment for your application' }, 'Loading…');
    const copy = h(
      'button',
      { type: 'button', class: 'small', onclick: () => navigator.clipboard?.writeText(pre.textContent) },
      'Copy',
    );
    panel.append(h('h3', {}, 'Send telemetry from any OpenTelemetry SDK'), pre, copy);
    api
      .get('telemetry-env')
      .then((env) => {
        pre.textContent = env.lines.join('\n');
      })
      .catch(() => {
        pre.textContent = 'OTEL_EXPORTER_OTLP_ENDPOINT=<this server>';
      });
  }
  if (options.snippet)
    panel.append(h('h3', {}, 'Or with the pgtel library'), h('pre', { class: 'code' }, options.snippet));
  return panel;
}
