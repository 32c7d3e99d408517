/**
 * The exposure matrix of docs/design.md §5: for each observer on the path, which parts of a
 * message it can read. Transport TLS hides a link from the network but every server
 * decrypts it; end-to-end encryption hides the body (and, with RFC 9788 header protection,
 * the Subject) from every server, while the envelope, From/To/Cc, Date and size stay visible.
 */
import type { Scheme } from './plan-send.js';

export const OBSERVERS = [
  'network-to-submission',
  'submission-server',
  'network-between-servers',
  'relays',
  'recipient-provider',
  'recipient',
] as const;
export type Observer = (typeof OBSERVERS)[number];

export const MESSAGE_PARTS = [
  'body',
  'subject',
  'attachment-names',
  'sender',
  'recipients',
  'size',
] as const;
export type MessagePart = (typeof MESSAGE_PARTS)[number];

/**
 * readable — this observer can read it.
 * hidden — it cannot (short of breaking the cryptography).
 * at-risk — hidden from a passive eavesdropper, but readable by an active attacker on that
 *   link (unverified or opportunistic TLS, or links sealpost cannot see).
 */
export type Visibility = 'readable' | 'hidden' | 'at-risk';

export interface ExposureCell {
  readonly visibility: Visibility;
  readonly why: string;
}

export type ExposureMatrix = Readonly<
  Record<Observer, Readonly<Record<MessagePart, ExposureCell>>>
>;

export interface LinkProtection {
  readonly mode: 'implicit-tls' | 'starttls' | 'none';
  /** Certificate chain and host name verified (always true under sealpost's defaults). */
  readonly certificateVerified: boolean;
}

export interface ExposureInput {
  readonly scheme: Scheme;
  readonly headerProtection: boolean;
  /** The link from sealpost to the submission server (or to the MX in relay mode). */
  readonly firstLink: LinkProtection;
  /**
   * Links between servers after the first: sealpost cannot see them. `required` when the
   * first hop is the recipient's own MX under an enforced MTA-STS policy.
   */
  readonly laterLinks?: 'required' | 'opportunistic' | 'none-after-first-hop';
}

const SERVER_OBSERVERS: readonly Observer[] = ['submission-server', 'relays', 'recipient-provider'];

function serverView(input: ExposureInput): Record<MessagePart, ExposureCell> {
  const e2e = input.scheme !== 'none';
  const name = input.scheme === 'pgp' ? 'OpenPGP' : 'S/MIME';
  const sealed = (what: string): ExposureCell =>
    e2e
      ? { visibility: 'hidden', why: `${what} is inside the ${name} encryption` }
      : { visibility: 'readable', why: `no end-to-end encryption: every server reads the ${what}` };
  return {
    body: sealed('body'),
    'attachment-names': sealed('attachment names'),
    subject:
      e2e && input.headerProtection
        ? {
            visibility: 'hidden',
            why: 'header protection (RFC 9788): the outer Subject is "[...]"',
          }
        : e2e
          ? { visibility: 'readable', why: 'the Subject header stays outside the encryption' }
          : sealed('subject'),
    sender: {
      visibility: 'readable',
      why: 'MAIL FROM and From are needed for routing and display',
    },
    recipients: { visibility: 'readable', why: 'RCPT TO and To/Cc are needed for delivery' },
    size: { visibility: 'readable', why: 'every server stores and forwards the whole message' },
  };
}

function linkView(
  servers: Record<MessagePart, ExposureCell>,
  link: LinkProtection | 'opportunistic' | 'required',
): Record<MessagePart, ExposureCell> {
  const view = {} as Record<MessagePart, ExposureCell>;
  for (const part of MESSAGE_PARTS) {
    const server = servers[part];
    if (part === 'size') {
      view[part] = {
        visibility: 'readable',
        why: 'TLS hides content, not the size and timing of records',
      };
    } else if (server.visibility === 'hidden') {
      view[part] = server;
    } else if (
      link === 'required' ||
      (typeof link === 'object' && link.mode !== 'none' && link.certificateVerified)
    ) {
      view[part] = {
        visibility: 'hidden',
        why: 'TLS with a verified certificate protects this link',
      };
    } else if (typeof link === 'object' && link.mode === 'none') {
      view[part] = {
        visibility: 'readable',
        why: 'this link is not encrypted: anyone on the network reads it',
      };
    } else {
      view[part] = {
        visibility: 'at-risk',
        why:
          typeof link === 'object'
            ? 'TLS without a verified certificate: an active attacker could read or alter it'
            : 'servers relay with opportunistic TLS unless MTA-STS or DANE apply: an active attacker could read it',
      };
    }
  }
  return view;
}

/** Who can read which part of one message, with the reason for every cell. */
export function exposureMatrix(input: ExposureInput): ExposureMatrix {
  const servers = serverView(input);
  const recipient = {} as Record<MessagePart, ExposureCell>;
  for (const part of MESSAGE_PARTS) {
    recipient[part] = {
      visibility: 'readable',
      why: 'the recipient holds the key and reads everything',
    };
  }
  const matrix = {} as Record<Observer, Record<MessagePart, ExposureCell>>;
  for (const observer of SERVER_OBSERVERS) matrix[observer] = servers;
  matrix['network-to-submission'] = linkView(servers, input.firstLink);
  matrix['network-between-servers'] = linkView(
    servers,
    input.laterLinks === 'required' ? 'required' : 'opportunistic',
  );
  matrix.recipient = recipient;
  return matrix;
}

const OBSERVER_LABELS: Record<Observer, string> = {
  'network-to-submission': 'network (you→server)',
  'submission-server': 'submission server',
  'network-between-servers': 'network (server→server)',
  relays: 'relays',
  'recipient-provider': "recipient's provider",
  recipient: 'recipient',
};

const SYMBOLS: Record<Visibility, string> = {
  readable: 'READS',
  hidden: '-',
  'at-risk': 'at risk',
};

/** A plain-text table: one row per observer, one column per part. */
/** Column headings short enough that the table fits 80 columns, indented. */
const PART_HEADINGS: Readonly<Partial<Record<MessagePart, string>>> = {
  'attachment-names': 'attach.',
};

export function renderExposureTable(matrix: ExposureMatrix): string {
  const header = ['observer', ...MESSAGE_PARTS.map((p) => PART_HEADINGS[p] ?? p)];
  const rows = OBSERVERS.map((o) => [
    OBSERVER_LABELS[o],
    ...MESSAGE_PARTS.map((p) => SYMBOLS[matrix[o][p].visibility]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '(attach. = attachment names; at risk = readable to a network attacker)',
  ].join('\n');
}
