import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionDefinitions } from '../../../src/config.js';
import { renderConfigTable, withConfigTable } from '../../../src/configTable.js';

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('holds the table generated from the option definitions (run `npm run docs:config` when this fails)', () => {
    expect(withConfigTable(doc)).toBe(doc);
    expect(doc).toContain(renderConfigTable());
  });

  it('documents every option with its environment variables and default', () => {
    for (const definition of optionDefinitions) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${definition.key}\` |`));
      expect(row, definition.key).toBeDefined();
      for (const env of definition.env) expect(row).toContain(`\`${env}\``);
      expect(row).toContain(definition.defaultText);
    }
  });
});
