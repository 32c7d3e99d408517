/**
 * The MTA-STS policy file (RFC 8461 §3.2): "key: value" lines with version (STSv1), mode
 * (enforce / testing / none), max_age in seconds and one "mx" line per allowed MX pattern.
 */

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  readonly version: 'STSv1';
  readonly mode: MtaStsMode;
  /** Allowed MX host patterns, lower case: "mx.example.org" or "*.example.org". */
  readonly mx: readonly string[];
  /** Seconds the policy may be cached (at most 31557600, one year). */
  readonly maxAge: number;
}

export type MtaStsPolicyResult =
  | { readonly ok: true; readonly policy: MtaStsPolicy }
  | { readonly ok: false; readonly reason: string };

/** RFC 8461 §3.2: "max_age ... with a maximum value of 31557600". */
export const MAX_AGE_LIMIT = 31_557_600;

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** ["*."] Domain, per RFC 8461 §3.2 (A-labels only: U-labels are not allowed in mx values). */
function isMxPattern(value: string): boolean {
  const domain = value.startsWith('*.') ? value.slice(2) : value;
  const labels = domain.split('.');
  // An all-numeric last label would be an IP address, which an MX never is (RFC 5321 §5.1).
  return (
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels.at(-1) ?? '')
  );
}

export function parseMtaStsPolicy(text: string): MtaStsPolicyResult {
  const fields = new Map<string, string>();
  const mx: string[] = [];
  // sts-policy-term = LF / CRLF; a final terminator is optional.
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const colon = line.indexOf(':');
    const key = line.slice(0, Math.max(colon, 0));
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (colon < 1 || !KEY.test(key) || value === '') {
      return { ok: false, reason: `line ${index + 1} is not "key: value"` };
    }
    if (key === 'mx') {
      const pattern = value.toLowerCase().replace(/\.$/, '');
      if (!isMxPattern(pattern)) {
        return {
          ok: false,
          reason: `line ${index + 1}: ${JSON.stringify(value.slice(0, 80))} is not an MX pattern`,
        };
      }
      mx.push(pattern);
    } else if (key === 'version' || key === 'mode' || key === 'max_age') {
      if (fields.has(key)) return { ok: false, reason: `"${key}" appears more than once` };
      fields.set(key, value);
    }
    // Unknown keys "SHALL be ignored" (RFC 8461 §3.2).
  }

  const version = fields.get('version');
  if (version !== 'STSv1') return { ok: false, reason: 'version is missing or not "STSv1"' };
  const mode = fields.get('mode');
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') {
    return { ok: false, reason: 'mode is missing or not one of enforce, testing, none' };
  }
  const maxAgeText = fields.get('max_age');
  if (maxAgeText === undefined || !/^\d{1,10}$/.test(maxAgeText)) {
    return { ok: false, reason: 'max_age is missing or not 1 to 10 digits' };
  }
  if (mode !== 'none' && mx.length === 0) {
    return { ok: false, reason: `a policy in ${mode} mode must list at least one mx` };
  }
  return {
    ok: true,
    policy: {
      version,
      mode,
      mx,
      // Larger values are clamped rather than rejected: rejecting would drop the policy and
      // deliver with less protection than the domain asked for.
      maxAge: Math.min(Number(maxAgeText), MAX_AGE_LIMIT),
    },
  };
}
