import type { Migration } from '../src/schema/Migration.js';

export function parseMigration(file: string, sql: string): Required<Migration>;
export function migrationModule(files: { file: string; sql: string }[]): string;
