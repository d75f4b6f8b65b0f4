import { prometheusLabels } from '../notifiers/prometheusLabels.js';

export interface TemplateData {
  value: number | null;
  severity: string | null;
  labels: Record<string, string>;
  details: Record<string, number | string | null>;
}

/** What a missing value renders as, as in Prometheus templates: never a blank that reads as a value. */
export const NO_VALUE = '<no value>';

function show(value: unknown): string {
  if (value === null || value === undefined) return NO_VALUE;
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  return String(value);
}

/** A map's own value (never one inherited from Object's prototype, such as `constructor`). */
function ownValue<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * Fills `{{value}}`, `{{severity}}`, `{{labels.name}}` and `{{details.name}}`; a missing value (no data,
 * an error, an unknown label or name) renders as `<no value>`. A label is found by its own name or by
 * the Prometheus name Alertmanager sees it under (`{{labels.http_route}}` for `http.route`, see
 * `prometheusLabels`).
 */
export function renderTemplate(template: string, data: TemplateData): string {
  return template.replace(/\{\{\s*([a-zA-Z_]+)(?:\.([^}\s]+))?\s*\}\}/g, (_m, head: string, key?: string) => {
    if (head === 'value') return show(data.value);
    if (head === 'severity') return show(data.severity);
    if (head === 'labels' && key)
      return show(ownValue(data.labels, key) ?? ownValue(prometheusLabels(data.labels), key));
    if (head === 'details' && key) return show(ownValue(data.details, key));
    return NO_VALUE;
  });
}
