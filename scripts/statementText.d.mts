export function statementText(sql: string): string;
