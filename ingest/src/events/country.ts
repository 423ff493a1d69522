// The visitor's country (ISO 3166-1 alpha-2), looked up from the client address at ingest time,
// before the address is hashed into the visitor id and dropped: the address is never stored.
// The database is an MMDB file read with `maxmind`; by default the one the
// @ip-location-db/geo-whois-asn-country-mmdb package ships (data by NRO, CC BY 4.0).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';

/** The database file of the npm package (IPv4 and IPv6 in one file). */
export function defaultCountryDatabase(): string {
  const packageJson = createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json');
  return join(dirname(packageJson), 'geo-whois-asn-country.mmdb');
}

export interface Countries {
  /** The country code of an address, or '' when the database does not know it (private ranges too). */
  of(ip: string): string;
}

/** No lookups at all: every country is ''. */
export const noCountries: Countries = { of: () => '' };

export function countriesFrom(databaseFile: string): Countries {
  // A few microseconds a lookup, once per request: no cache needed.
  let database: Buffer;
  try {
    database = readFileSync(databaseFile);
  } catch (error) {
    throw new Error(`COUNTRY_DATABASE: cannot read ${databaseFile} (${(error as Error).message}); name an MMDB file, or set it to "off"`);
  }
  const reader = new Reader(database);
  return {
    of(ip) {
      try {
        // A server listening on `::` sees IPv4 clients as IPv4-mapped IPv6, which the database does not hold.
        const found = reader.get(ip.startsWith('::ffff:') ? ip.slice(7) : ip) as { country_code?: unknown } | null;
        const code = found?.country_code;
        return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : '';
      } catch {
        // Not an address the reader takes (e.g. an empty one from a test client): unknown.
        return '';
      }
    },
  };
}
