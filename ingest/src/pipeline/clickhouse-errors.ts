/**
 * Tells an insert ClickHouse refused for the rows it carries (it will refuse them again, however
 * often they are sent: split the batch and set those rows aside) from one that failed because
 * ClickHouse is away, busy or not migrated yet (retry the same batch later, losing nothing).
 * Getting this wrong either way is costly: a data error taken for an outage blocks the table's
 * batches for ever; an outage taken for a data error would set good rows aside. So only the
 * ClickHouse error names that can only be about the input count as data errors.
 */

/** Error names whose every use in ClickHouse is about a value it could not read or store. */
const DATA_ERRORS = new Set([
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  'ARGUMENT_OUT_OF_BOUND',
  'TOO_LARGE_STRING_SIZE',
  'TOO_LARGE_ARRAY_SIZE',
  'INCORRECT_NUMBER_OF_COLUMNS',
  'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN',
  'CANNOT_READ_ARRAY_FROM_TEXT',
  'CANNOT_READ_MAP_FROM_TEXT',
  'CANNOT_CONVERT_TYPE',
  'SIZES_OF_ARRAYS_DONT_MATCH',
  'SIZES_OF_NESTED_COLUMNS_ARE_INCONSISTENT',
  'VIOLATED_CONSTRAINT',
  'DECIMAL_OVERFLOW',
  'ILLEGAL_COLUMN',
  'UNKNOWN_ELEMENT_OF_ENUM',
]);

/** CANNOT_PARSE_DATETIME, CANNOT_PARSE_ESCAPE_SEQUENCE, CANNOT_PARSE_INPUT_ASSERTION_FAILED, ... */
const DATA_ERROR_PREFIX = 'CANNOT_PARSE_';

/**
 * True when ClickHouse answered that the rows themselves are wrong. Errors without a ClickHouse
 * error name (a refused connection, a timeout, a reset socket) are never data errors.
 */
export function isDataError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (DATA_ERRORS.has(type) || type.startsWith(DATA_ERROR_PREFIX));
}
