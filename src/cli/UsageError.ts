import { ValidationError } from '../errors.js';

/** A command line argument is wrong: the CLI exits 2 and prints the command's usage. */
export class UsageError extends ValidationError {}
