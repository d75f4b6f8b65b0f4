/** Label names Prometheus and Alertmanager accept. */
const PROMETHEUS_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A label name under Prometheus's rules (`[a-zA-Z_][a-zA-Z0-9_]*`), which Alertmanager enforces (0.25
 * refuses a whole push with `invalid name "http.route"`): every other character becomes `_`
 * (`http.route` -> `http_route`, `ünit` -> `_nit`), a leading digit gets a `_` prefix (`2xx` -> `_2xx`)
 * and the empty name becomes `_`. Valid names are kept as they are. Pure.
 */
export function prometheusLabelName(name: string): string {
  if (PROMETHEUS_NAME.test(name)) return name;
  const replaced = name.replace(/[^a-zA-Z0-9_]/gu, '_');
  return replaced === '' ? '_' : replaced.replace(/^(?=[0-9])/, '_');
}

/**
 * Labels under Prometheus names (see `prometheusLabelName`). Labels with an empty value are left out:
 * Prometheus and Alertmanager treat them as absent. When several names map to the same one (say
 * `http.route` and `http_route`), their values are joined with `;` in the order of the original names
 * (OpenTelemetry's Prometheus rule), so the result never depends on the order labels came in. Pure.
 */
export function prometheusLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(labels).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const value = labels[name]!;
    if (value === '') continue;
    const mapped = prometheusLabelName(name);
    out[mapped] = mapped in out ? `${out[mapped]};${value}` : value;
  }
  return out;
}
