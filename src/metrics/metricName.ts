/** Longest metric name accepted (OpenTelemetry's instrument name limit). */
export const MAX_METRIC_NAME_LENGTH = 255;

// OpenTelemetry instrument names plus ':' (Prometheus recording rules use it).
const NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;

/** Undefined when `name` is a valid metric name, else why not (the name shortened for messages). */
export function metricNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'metric name must be a non-empty string';
  if (name.length > MAX_METRIC_NAME_LENGTH)
    return `metric name is longer than ${MAX_METRIC_NAME_LENGTH} characters`;
  if (!NAME.test(name))
    return 'metric name must start with a letter or _ and hold only letters, digits and _ . : / -';
  return undefined;
}

/** A name safe to print in a message, whatever its length or content. */
export function shortName(name: unknown): string {
  const text = typeof name === 'string' ? name : String(name);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
