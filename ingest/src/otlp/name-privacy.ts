// Names a sender chooses are stored and shown as sent: a span's and a span event's name
// (otel_traces SpanName, Events.Name), a log record's event name (LogRecord.event_name or its
// `event.name` attribute, otel_logs EventName) and a metric's name (metric_points name). Our own
// instrumentations name things safely, but any other sender can name a span
// `GET /reset?token=...` or `mail to someone@example.com`, so names obey the rules attributes do:
// a URL or a path loses its query and fragment, and an e-mail address is masked.
//
// The mask is the fixed text `[email]`: a name still reads as what happened, and every such name
// groups as one; a hash of the address would still identify the person (and anyone can hash a
// guessed address to find its rows), and dropping it silently would leave a name that seems whole.
//
// The Collector's `transform/privacy` processor (collector/config.yaml) holds the same two patterns
// in `replace_pattern(name, ...)` statements, in this order; a test compares them.

/**
 * A URL (a scheme and `://`) or a path (from a `/`), up to its query or fragment, then the query
 * and fragment, up to a space, a quote or an angle bracket. The spaces are spelt out, as Go's `\s`
 * (the Collector's regular expressions) is narrower than JavaScript's.
 */
export const NAME_URL_QUERY = /((?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|\/)[^?#\t\n\v\f\r "'<>]*)[?#][^\t\n\v\f\r "'<>]*/g;

/**
 * An e-mail address: a local part, `@`, and a domain whose last label is letters, so a package
 * version such as `react@18.2.0` or a scope such as `@footfall/contract` is not taken for one.
 */
export const NAME_EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** What an e-mail address in a name becomes. */
export const EMAIL_MASK = '[email]';

/** A name with every URL's and path's query and fragment cut, then every e-mail address masked; the same text when it has neither. */
export function nameWithoutPrivate(name: string): string {
  // Most names are a word or two: skip the regular expressions when neither can match.
  let cleaned = name;
  if (cleaned.includes('?') || cleaned.includes('#')) cleaned = cleaned.replace(NAME_URL_QUERY, '$1');
  if (cleaned.includes('@')) cleaned = cleaned.replace(NAME_EMAIL, EMAIL_MASK);
  return cleaned;
}
