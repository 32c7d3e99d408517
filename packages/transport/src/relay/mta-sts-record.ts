/**
 * The `_mta-sts.<domain>` TXT record (RFC 8461 §3.1): "v=STSv1; id=<1-32 alphanumerics>" plus
 * fields we ignore. It says a policy exists and which version of it is current.
 */

export interface MtaStsRecord {
  /** Changes whenever the policy changes; the cache is keyed by it. */
  readonly id: string;
  readonly text: string;
}

export type MtaStsRecordResult =
  | { readonly ok: true; readonly record: MtaStsRecord }
  | { readonly ok: false; readonly reason: string };

const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
// sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): printable ASCII except ";" and "=".
const FIELD_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
const ID = /^[A-Za-z0-9]{1,32}$/;

/** Parses one record's text (the strings of one TXT record, already concatenated). */
export function parseMtaStsRecord(text: string): MtaStsRecordResult {
  // sts-field-delim = *WSP ";" *WSP, and a trailing delimiter is allowed.
  const fields = text.split(/[ \t]*;[ \t]*/);
  if (fields.at(-1) === '') fields.pop();
  if (fields[0] !== 'v=STSv1') {
    return { ok: false, reason: 'the record does not start with "v=STSv1"' };
  }
  let id: string | undefined;
  for (const field of fields.slice(1)) {
    const eq = field.indexOf('=');
    const name = field.slice(0, eq);
    const value = field.slice(eq + 1);
    if (eq < 1 || !FIELD_NAME.test(name) || !FIELD_VALUE.test(value)) {
      return { ok: false, reason: `malformed field ${JSON.stringify(field.slice(0, 80))}` };
    }
    if (name === 'id') {
      if (id !== undefined) return { ok: false, reason: 'more than one id field' };
      if (!ID.test(value)) return { ok: false, reason: 'the id is not 1 to 32 letters or digits' };
      id = value;
    }
  }
  if (id === undefined) return { ok: false, reason: 'the record has no id field' };
  return { ok: true, record: { id, text } };
}

/**
 * Picks the one STS record among a name's TXT records: records not starting with "v=STSv1;"
 * are other TXT data; none or several left means no usable policy (RFC 8461 §3.1).
 */
export function selectMtaStsRecord(txt: readonly (readonly string[])[]): MtaStsRecordResult {
  // "If the resulting TXT record contains multiple strings, then the record MUST be treated
  // as if those strings are concatenated without adding spaces."
  const candidates = txt
    .map((strings) => strings.join(''))
    .filter((t) => /^v=STSv1[ \t]*;/.test(t));
  if (candidates.length === 0) return { ok: false, reason: 'no TXT record starts with "v=STSv1;"' };
  if (candidates.length > 1) {
    return {
      ok: false,
      reason: `${candidates.length} STS records were published; exactly one is allowed`,
    };
  }
  return parseMtaStsRecord(candidates[0]!);
}
