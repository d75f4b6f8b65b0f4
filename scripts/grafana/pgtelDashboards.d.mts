/** A Grafana dashboard model (the parts pgtel's tests read). */
export interface GrafanaDashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; query: string }[] };
  panels: { id: number; title: string; type: string; targets: { rawSql: string }[] }[];
}

export function overviewDashboard(schema?: string): GrafanaDashboard;

export function grafanaProvisioning(options?: {
  schema?: string;
  host?: string;
  database?: string;
  user?: string;
  sslmode?: string;
}): { path: string; content: string }[];
