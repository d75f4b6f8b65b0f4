import type { Migration } from '../src/schema/Migration.js';

export function parseMigration(file: string, sql: string): Migration & { breaking: boolean };
export function migrationModule(files: { file: string; sql: string }[]): string;
