// Pure part of the migration build step: the text a migration's checksum is taken over.

const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/**
 * The statements of `sql` without their comments: `--` and (nested) `/* *\/` comments removed and
 * every run of whitespace outside literals made one space, so editing, adding or removing a comment
 * or a blank line leaves the text unchanged. String constants (`'...'`, `E'...'`), quoted identifiers
 * and dollar-quoted bodies (`$$...$$`, `$fn$...$fn$`) are kept exactly, comments inside them too:
 * they are part of what the statement does.
 *
 * @param {string} sql
 * @returns {string}
 */
export function statementText(sql) {
  let out = '';
  let pendingSpace = false;
  const emit = (text) => {
    if (pendingSpace && out !== '') out += ' ';
    pendingSpace = false;
    out += text;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      pendingSpace = true;
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      pendingSpace = true;
    } else if (c === '/' && next === '*') {
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else if (i >= sql.length) {
          throw new Error('unterminated /* comment');
        } else i++;
      } while (depth > 0);
      pendingSpace = true;
    } else if (c === "'" || c === '"') {
      // E'...' (an E right before the quote, starting its word) takes backslash escapes.
      const escapes = c === "'" && !pendingSpace && /(^|[^A-Za-z0-9_$])[Ee]$/.test(out);
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c === "'" ? 'string' : 'quoted identifier'}`);
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      emit(sql.slice(i, j + 1));
      i = j + 1;
    } else if (
      c === '$' &&
      DOLLAR_TAG.test(sql.slice(i, i + 65)) &&
      (pendingSpace || !/[A-Za-z0-9_]$/.test(out))
    ) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 65))[0];
      const end = sql.indexOf(tag, i + tag.length);
      if (end === -1) throw new Error(`unterminated ${tag} body`);
      emit(sql.slice(i, end + tag.length));
      i = end + tag.length;
    } else {
      emit(c);
      i++;
    }
  }
  return out;
}
