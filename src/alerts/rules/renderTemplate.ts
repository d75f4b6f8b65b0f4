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

/** One `{{ ... }}` action: a head (`value`, `labels`, ...; `$` or `.` before it as in Prometheus) and a key. */
const ACTION = /\{\{\s*[$.]?([a-zA-Z_]+)(?:\.([^}\s]+))?\s*\}\}/g;
const HEADS = new Set(['value', 'severity', 'labels', 'details']);
const KEYED = new Set(['labels', 'details']);

/** `Value`, `$value` and `value` are one head; `labels`/`details` need a key, the others take none. */
function known(head: string, key: string | undefined): boolean {
  const name = head.toLowerCase();
  return HEADS.has(name) && KEYED.has(name) === (key !== undefined);
}

/**
 * Fills `{{value}}`, `{{severity}}`, `{{labels.name}}` and `{{details.name}}`, also spelt as in
 * Prometheus templates (`{{ $value }}`, `{{ $labels.name }}`, `{{ .Value }}`, `{{ .Labels.name }}`);
 * a missing value (no data, an error, an unknown label or name) renders as `<no value>`. A label is
 * found by its own name or by the Prometheus name Alertmanager sees it under (`{{labels.http_route}}`
 * for `http.route`, see `prometheusLabels`).
 */
export function renderTemplate(template: string, data: TemplateData): string {
  return template.replace(ACTION, (_m, rawHead: string, key?: string) => {
    const head = rawHead.toLowerCase();
    if (head === 'value') return show(data.value);
    if (head === 'severity') return show(data.severity);
    if (head === 'labels' && key)
      return show(ownValue(data.labels, key) ?? ownValue(prometheusLabels(data.labels), key));
    if (head === 'details' && key) return show(ownValue(data.details, key));
    return NO_VALUE;
  });
}

/**
 * What `renderTemplate` would not understand in `template`: each `{{ ... }}` it cannot fill (a pipe,
 * a function, an unknown name) and an unclosed `{{`. Empty when the template is fine. Pure.
 */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const action of template.matchAll(/\{\{(.*?)(\}\}|$)/gs)) {
    const text = action[0];
    if (action[2] !== '}}') {
      problems.push(`${JSON.stringify(text.slice(0, 40))} is not closed by }}`);
      continue;
    }
    const parts = new RegExp(ACTION.source).exec(text);
    if (!parts || parts[0] !== text || !known(parts[1]!, parts[2]))
      problems.push(
        `${text} is not understood: use {{ $value }}, {{ $labels.name }}, {{ severity }} or {{ details.name }}`,
      );
  }
  return problems;
}
