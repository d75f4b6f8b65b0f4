import type { CliIo } from './Command.js';

/** ANSI styling that collapses to plain text when colour is off. */
export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const paint =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const ansi: Style = {
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  dim: paint(2, 22),
  bold: paint(1, 22),
};

const plain: Style = { red: String, green: String, yellow: String, dim: String, bold: String };

/** Colour only on a terminal and never when `NO_COLOR` is set to anything non-empty (no-color.org). */
export function styleFor(io: Pick<CliIo, 'env' | 'isTTY'>): Style {
  return io.isTTY === true && !io.env.NO_COLOR ? ansi : plain;
}

export const plainStyle = plain;
