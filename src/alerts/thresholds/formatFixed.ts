/**
 * `x` with `digits` decimals exactly as Python's `f"{x:.{digits}f}"` prints it: ties of the exact
 * binary value round half to even (JavaScript's toFixed rounds them away from zero).
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const abs = Math.abs(x);
  const exact = abs.toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  const tie = /^50*$/.test(rest);
  let text = abs.toFixed(digits);
  if (tie) {
    const scaled = BigInt(text.replace('.', ''));
    if (scaled % 2n === 1n) {
      const even = (scaled - 1n).toString().padStart(digits + 1, '0');
      text = digits === 0 ? even : `${even.slice(0, -digits)}.${even.slice(-digits)}`;
    }
  }
  return x < 0 || Object.is(x, -0) ? `-${text}` : text;
}
