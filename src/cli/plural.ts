/** `1 error`, `2 errors`, `0 errors`; `many` for words not plural with an `s` (pure). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
