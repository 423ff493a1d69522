/** Kept for the modules that still import the runner by its former name; the runner is run-query.ts. */
export { count, rows } from './run-query.js';
