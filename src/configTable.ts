import { optionDefinitions } from './config.js';

/** The configuration table of README.md and docs/configuration.md, rendered from the option definitions. */
export function renderConfigTable(): string {
  const rows = optionDefinitions.map(
    (d) =>
      `| \`${d.key}\` | ${d.env.map((e) => `\`${e}\``).join(', ')} | ${d.defaultText} | ${d.description} |`,
  );
  return ['| option | environment | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

/** Replaces the marked configuration section of a Markdown document with the current table. */
export function withConfigTable(markdown: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`missing ${START} ... ${END} markers`);
  return `${markdown.slice(0, start + START.length)}\n${renderConfigTable()}\n${markdown.slice(end)}`;
}
