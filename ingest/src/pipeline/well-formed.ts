/// <reference lib="es2024.string" />

/**
 * Makes every string of a row well-formed Unicode before the row is accepted.
 *
 * A lone UTF-16 surrogate ("\ud800") is legal in a JavaScript string and in JSON, but it has no
 * UTF-8 form: JSON.stringify writes it as the escape `\ud800`, which ClickHouse refuses
 * (CANNOT_PARSE_ESCAPE_SEQUENCE) for the whole insert, taking every other visitor's rows in the
 * batch with it; a lone low surrogate (`\udc00`) is taken and stored as invalid UTF-8. Each lone
 * surrogate becomes U+FFFD, as a UTF-8 decoder does with a bad byte: the visitor's path or prop
 * keeps its readable part and can never poison a batch.
 *
 * Every row of every table passes through Pipeline.accept, so this is the one place for beacons,
 * spans, resources and metric points alike. Ids are not repaired here: two different ids would
 * become the same one. The fields that are ids are refused when not well-formed (the event shape,
 * the hex trace and span ids) before a row is made.
 */

/** The text with each lone surrogate replaced by U+FFFD; the same string when nothing needs it. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * Repairs, in place, every string a row holds: values, map keys and array items, at any depth.
 * Rows are plain data made by the service (no cycles). Returns how many strings were repaired.
 */
export function repairRow(row: object): number {
  let repaired = 0;
  if (Array.isArray(row)) {
    for (let index = 0; index < row.length; index++) {
      const item: unknown = row[index];
      if (typeof item === 'string') {
        if (!item.isWellFormed()) {
          row[index] = item.toWellFormed();
          repaired += 1;
        }
      } else if (item !== null && typeof item === 'object') repaired += repairRow(item);
    }
    return repaired;
  }
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (typeof value === 'string') {
      if (!value.isWellFormed()) {
        record[key] = value.toWellFormed();
        repaired += 1;
      }
    } else if (value !== null && typeof value === 'object') repaired += repairRow(value);
    if (!key.isWellFormed()) {
      // Map keys (props, attributes) are text from the sender too.
      const repairedValue = record[key];
      delete record[key];
      record[key.toWellFormed()] = repairedValue;
      repaired += 1;
    }
  }
  return repaired;
}
