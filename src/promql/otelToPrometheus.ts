/**
 * The OpenTelemetry → Prometheus translation of metric names and labels, as Prometheus's own OTLP
 * receiver and the OpenTelemetry compatibility specification do it. Pure.
 */

/** What a stored metric is (`metric_descriptions.instrument`). */
export type OtelInstrument = 'counter' | 'updowncounter' | 'gauge' | 'histogram';

/** Unit words of UCUM units, as Prometheus suffixes. */
const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};
/** The denominator of a `x/y` unit, singular. */
const PER_UNIT_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** The words of a name: runs of letters and digits (everything else separates). */
function words(text: string): string[] {
  return text.split(/[^a-zA-Z0-9]+/).filter((w) => w !== '');
}

/** The unit's suffix words: `ms` → milliseconds, `By/s` → bytes_per_second; `{...}` annotations dropped. */
export function unitSuffix(unit: string): string[] {
  const clean = unit.replace(/\{[^}]*\}/g, '').trim();
  if (clean === '' || clean === '1') return [];
  const [main = '', per] = clean.split('/', 2);
  const result = main === '' ? [] : words(UNIT_WORDS[main] ?? main);
  if (per !== undefined && per !== '') result.push('per', ...words(PER_UNIT_WORDS[per] ?? per));
  return result;
}

/**
 * The Prometheus metric name of an OpenTelemetry metric: non-alphanumerics become `_`, the unit's
 * words are appended unless the name has them already, `_total` ends a monotonic counter and `_ratio`
 * a gauge of unit `1`. A histogram's name is the base of its `_bucket`, `_sum` and `_count`.
 */
export function prometheusMetricName(name: string, unit: string, instrument: OtelInstrument): string {
  const parts = words(name);
  const suffix = unitSuffix(unit);
  if (suffix.length > 0 && !parts.join('_').endsWith(suffix.join('_'))) parts.push(...suffix);
  if (instrument === 'counter') {
    if (parts[parts.length - 1] === 'total') parts.pop();
    parts.push('total');
  }
  if (instrument === 'gauge' && unit === '1' && parts[parts.length - 1] !== 'ratio') parts.push('ratio');
  const joined = parts.join('_');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** A label name Prometheus accepts: other characters become `_`, a leading digit gets `key_`. */
export function prometheusLabelName(name: string): string {
  const sanitized = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(sanitized)) return `key_${sanitized}`;
  return sanitized === '' ? '_' : sanitized;
}

/**
 * Labels of an OpenTelemetry point: attribute names sanitized (values of names that collide joined
 * with `;`, sorted, as the specification says), `job` from the resource's service name (and
 * namespace), `instance` from its `service.instance.id`.
 */
export function prometheusLabels(
  serviceName: string,
  resource: Readonly<Record<string, string>>,
  attributes: Readonly<Record<string, string>>,
): Record<string, string> {
  const collected: Record<string, string[]> = {};
  for (const key of Object.keys(attributes).sort()) {
    const value = attributes[key]!;
    if (value === '') continue;
    const name = prometheusLabelName(key);
    collected[name] = [...(collected[name] ?? []), value];
  }
  const labels: Record<string, string> = {};
  for (const [name, values] of Object.entries(collected)) labels[name] = values.join(';');
  const job = jobOf(serviceName, resource);
  if (job !== '') labels.job = job;
  const instance = resource['service.instance.id'] ?? '';
  if (instance !== '') labels.instance = instance;
  return labels;
}

/** `job` of a resource: `service.namespace/service.name`, or the service name alone. */
export function jobOf(serviceName: string, resource: Readonly<Record<string, string>>): string {
  const namespace = resource['service.namespace'] ?? '';
  return namespace !== '' && serviceName !== '' ? `${namespace}/${serviceName}` : serviceName;
}

/** Resource attributes that become `job` and `instance`, not `target_info` labels. */
const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);

/**
 * The labels of a resource's `target_info` series (value 1): `job`, `instance` and the other
 * resource attributes, sanitized. Undefined when the resource has nothing beyond job and instance.
 */
export function targetInfoLabels(
  serviceName: string,
  resource: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  const others = Object.fromEntries(Object.entries(resource).filter(([key]) => !IDENTIFYING.has(key)));
  if (Object.keys(others).length === 0) return undefined;
  return { __name__: 'target_info', ...prometheusLabels(serviceName, resource, others) };
}
