/**
 * Translates the RE2 syntax PromQL uses into JavaScript's: inline case-insensitivity (`(?i)`,
 * `(?i:...)`) becomes explicit letter classes and `(?P<name>` becomes `(?<name>`.
 */

function bothCases(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  return lower === upper ? c : `[${lower}${upper}]`;
}

/** A character class with the other case of its letters and letter ranges added. */
function caseFoldClass(cls: string): string {
  const inner = cls.slice(1, -1);
  let extra = '';
  for (const m of inner.matchAll(/(?<!\\)([a-zA-Z])-([a-zA-Z])|(?<!\\)([a-zA-Z])/g)) {
    if (m[1] && m[2]) {
      const swap = (x: string) => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
      extra += `${swap(m[1])}-${swap(m[2])}`;
    } else if (m[3]) {
      extra += m[3] === m[3].toLowerCase() ? m[3].toUpperCase() : m[3].toLowerCase();
    }
  }
  return `[${inner}${extra}]`;
}

export function re2ToJs(pattern: string): string {
  let out = '';
  const stack: boolean[] = [];
  let ci = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      const cls = pattern.slice(i, j + 1);
      out += ci ? caseFoldClass(cls) : cls;
      i = j;
      continue;
    }
    if (c === '(') {
      const rest = pattern.slice(i);
      if (rest.startsWith('(?P<')) {
        stack.push(ci);
        out += '(?<';
        i += 3;
        continue;
      }
      const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
      if (flags) {
        const on = flags[1]!.includes('i') ? true : flags[2]?.includes('i') ? false : undefined;
        i += flags[0].length - 1;
        if (flags[3] === ')') {
          if (on !== undefined) ci = on;
          continue;
        }
        stack.push(ci);
        if (on !== undefined) ci = on;
        out += '(?:';
        continue;
      }
      stack.push(ci);
      out += c;
      continue;
    }
    if (c === ')') {
      ci = stack.pop() ?? false;
      out += c;
      continue;
    }
    out += ci ? bothCases(c) : c;
  }
  return out;
}
