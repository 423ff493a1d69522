// The integer fields of an OTLP/JSON log record (severityNumber, flags) take a number or a text
// of digits, nothing that only reads as one: an array of one text of digits is refused too.
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../src/otlp/decode-error.js';
import { decodeLogs } from '../src/otlp/logs/decode-logs.js';

const decoded = (record: Record<string, unknown>) => decodeLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }, 'json');

describe('integer fields of a log record', () => {
  it('refuses an array whose only item is a text of digits', () => {
    expect(() => decoded({ severityNumber: ['7'] })).toThrow(new OtlpDecodeError('expected an integer'));
    expect(() => decoded({ flags: [1] })).toThrow(OtlpDecodeError);
    expect(decoded({ severityNumber: '7', flags: 1 })[0]!.scopes[0]!.records[0]).toMatchObject({ severityNumber: 7, flags: 1 });
  });
});
