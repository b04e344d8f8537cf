/** Type names for the OIDs queries return most; others are looked up once and remembered. */
export const KNOWN_TYPES: Record<number, string> = {
  16: 'boolean',
  17: 'bytea',
  18: '"char"',
  19: 'name',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  24: 'regproc',
  25: 'text',
  26: 'oid',
  114: 'json',
  142: 'xml',
  700: 'real',
  701: 'double precision',
  790: 'money',
  869: 'inet',
  1000: 'boolean[]',
  1005: 'smallint[]',
  1007: 'integer[]',
  1009: 'text[]',
  1016: 'bigint[]',
  1042: 'character',
  1043: 'character varying',
  1082: 'date',
  1083: 'time without time zone',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1186: 'interval',
  1266: 'time with time zone',
  1700: 'numeric',
  2205: 'regclass',
  2950: 'uuid',
  3802: 'jsonb',
};

const NUMBERS = new Set([21, 23, 26, 700, 701]);
const JSON_TYPES = new Set([114, 3802]);

/** A value of the JSON result: Postgres's text, turned into a number, boolean or JSON where exact. */
export function jsonValue(text: string | null, oid: number): unknown {
  if (text === null) return null;
  if (oid === 16) return text === 't';
  if (NUMBERS.has(oid)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (oid === 20) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text; // bigint beyond 2^53 stays exact as text
  }
  if (JSON_TYPES.has(oid)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
