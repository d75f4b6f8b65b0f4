import { readFileSync } from 'node:fs';

/** A fenced code block of a Markdown document, with the line it starts on (for failure messages). */
export interface CodeBlock {
  lang: string;
  code: string;
  line: number;
}

/** Every fenced code block (```lang ... ```) of a Markdown text, in document order. */
export function codeBlocks(markdown: string, lang?: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const pattern = /^```(\w*)[^\n]*\n([\s\S]*?)^```/gm;
  for (let match = pattern.exec(markdown); match; match = pattern.exec(markdown)) {
    if (lang !== undefined && match[1] !== lang) continue;
    const line = markdown.slice(0, match.index).split('\n').length;
    blocks.push({ lang: match[1]!, code: match[2]!, line });
  }
  return blocks;
}

/** Reads a document of the repository by its path from the root. */
export function readDoc(path: string): string {
  return readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
}
