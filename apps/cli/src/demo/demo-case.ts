/**
 * One case of the demo: one message, protected one way, sent along one path, and what every
 * observer on that path really got, next to what sealpost's report predicted for it.
 */
import { createMessage } from '@sealpost/compose';
import type * as pgp from '@sealpost/pgp';
import {
  DEFAULT_POLICY,
  type ExposureMatrix,
  executePlan,
  type Observer,
  openMessage,
  planSend,
  type SendPolicy,
} from '@sealpost/pipeline';
import * as smime from '@sealpost/smime';
import { createSmtpTransport, type TransportReport } from '@sealpost/transport';
import { inspectAttack } from './attack-evidence.js';
import { type DemoIdentities, RECIPIENT, SENDER } from './demo-identities.js';
import {
  type DemoSecrets,
  inspectLink,
  inspectServerCopy,
  nothingReceived,
  type ObserverEvidence,
} from './evidence.js';
import type { ForwardOutcome } from './forward.js';
import type { DemoNetwork, DemoPathName } from './network.js';

export type DemoCaseName = 'transport-only' | 'pgp' | 'smime';

export interface DemoCase {
  readonly name: DemoCaseName;
  readonly title: string;
  readonly path: DemoPathName;
  readonly transport: TransportReport | null;
  readonly predicted: ExposureMatrix;
  /** Path order: link, submission server, link, relay, link (or attacker), mailbox, recipient. */
  readonly evidence: readonly (ObserverEvidence & { readonly predictedAs: Observer })[];
  /** Observed cells that contradict the prediction (should be empty). */
  readonly contradictions: readonly string[];
  readonly signature: 'valid' | 'invalid' | 'none';
  /** What the relay did with it on the relay → mailbox hop. */
  readonly relayDelivery: ForwardOutcome | null;
  readonly delivered: boolean;
}

export interface CaseSpec {
  readonly name: DemoCaseName;
  readonly title: string;
  readonly policy: SendPolicy;
}

export const CASES: readonly CaseSpec[] = [
  {
    name: 'transport-only',
    title: 'transport TLS only',
    policy: { ...DEFAULT_POLICY, encrypt: 'never', sign: 'none' },
  },
  {
    name: 'pgp',
    title: 'OpenPGP (PGP/MIME)',
    policy: { ...DEFAULT_POLICY, encrypt: 'require', scheme: 'pgp', sign: 'pgp' },
  },
  {
    name: 'smime',
    title: 'S/MIME',
    policy: { ...DEFAULT_POLICY, encrypt: 'require', scheme: 'smime', sign: 'smime' },
  },
];

/**
 * What the recipient reads: the mailbox copy, opened with the recipient's key when sealed, by
 * the same `openMessage` that `sealpost decrypt` uses (the signer's From binding included).
 */
async function openAsRecipient(name: DemoCaseName, raw: Uint8Array, ids: DemoIdentities) {
  if (name === 'transport-only') return { bytes: raw, signature: 'none' as const };
  const signer = ids.keys.signers!.pgp!.material as { privateKey: pgp.PrivateKey };
  const opened = await openMessage(
    raw,
    {
      pgpPrivateKeys: [ids.recipientPgp.privateKey],
      pgpPublicKeys: [signer.privateKey.toPublic()],
      smimeIdentities: [
        {
          privateKey: ids.recipientSmime.privateKey,
          certificates: [ids.recipientSmime.certificate],
        },
      ],
      smimeTrustAnchors: [smime.readCertificate(ids.caPem)],
    },
    {},
  );
  const valid = opened.signatures.some((s) => s.status === 'valid');
  return { bytes: opened.message, signature: valid ? ('valid' as const) : ('invalid' as const) };
}

function contradictions(evidence: DemoCase['evidence'], predicted: ExposureMatrix): string[] {
  const problems: string[] = [];
  for (const item of evidence) {
    for (const finding of item.findings) {
      // The Date is the demo's own addition: sealpost's report makes no claim about it.
      if (finding.part === 'date') continue;
      const expected = predicted[item.predictedAs][finding.part].visibility;
      if (expected === 'hidden' && finding.seen)
        problems.push(`${item.observer} saw the ${finding.part}`);
      if (
        expected === 'readable' &&
        !finding.seen &&
        item.kind === 'server-copy' &&
        item.received !== false
      )
        problems.push(`${item.observer} should have seen the ${finding.part}`);
    }
  }
  return problems;
}

export async function runCase(
  spec: CaseSpec,
  network: DemoNetwork,
  ids: DemoIdentities,
  content: { readonly secrets: DemoSecrets; readonly attachment: Uint8Array },
): Promise<DemoCase> {
  const { secrets } = content;
  for (const link of Object.values(network.links)) link.reset();
  const { hops, links } = network;
  const before = {
    submission: hops.submission.copies.length,
    relay: hops.relay.copies.length,
    mailbox: hops.mailbox.copies.length,
  };
  const message = createMessage({
    from: { name: 'Alice', address: SENDER },
    to: { name: 'Bob', address: RECIPIENT },
    subject: secrets.subject,
    text: `Hi Bob,\n\n${secrets.bodyPhrase} this quarter; the figures are attached.\n\nAlice\n`,
    attachments: [
      { filename: secrets.attachmentName, contentType: 'text/csv', content: content.attachment },
    ],
  });
  const transport = createSmtpTransport({
    host: '127.0.0.1',
    port: network.submission.implicitTlsPort,
    mode: 'implicit-tls',
    servername: 'localhost',
    ca: ids.caPem,
    auth: { user: network.credentials.user, pass: network.credentials.password },
    timeouts: { connectMs: 5_000, greetingMs: 5_000, socketMs: 10_000 },
  });
  try {
    const plan = planSend(message, spec.policy, ids.keys);
    const report = await executePlan(plan, transport, {
      message,
      ...(ids.keys.signers ? { signers: ids.keys.signers } : {}),
    });
    const sent = report.messages[0]!;
    const copyOf = (hop: keyof typeof hops) => hops[hop].copies[before[hop]];
    const relayCopy = copyOf('relay')!;
    const mailboxCopy = copyOf('mailbox');
    const recipient = mailboxCopy
      ? await openAsRecipient(spec.name, new Uint8Array(mailboxCopy.bytes), ids)
      : null;
    type Recorder = (typeof links)[keyof typeof links];
    const link = (observer: string, recorder: Recorder, predictedAs: Observer) => ({
      ...inspectLink(observer, recorder.bytes('up'), recorder.bytes('down'), secrets),
      predictedAs,
    });
    const server = (
      observer: string,
      copy: { bytes: Buffer; secure?: boolean } | undefined,
      predictedAs: Observer,
    ) => ({
      ...(copy
        ? inspectServerCopy(
            observer,
            copy.bytes,
            secrets,
            copy.secure === undefined ? undefined : copy.secure ? 'tls' : 'cleartext',
          )
        : nothingReceived(observer, 'nothing arrived: the relay kept the message in its queue')),
      predictedAs,
    });
    const lastLink =
      network.path === 'tls-everywhere'
        ? link('network: relay → mailbox', links.relayToMailbox, 'network-between-servers')
        : {
            ...inspectAttack('attacker: relay → mailbox', links.relayToMailbox.chunks, secrets),
            predictedAs: 'network-between-servers' as const,
          };
    // In path order: what each cable and each server could read.
    const evidence: DemoCase['evidence'] = [
      link('network: you → submission', links.toSubmissionImplicit, 'network-to-submission'),
      server('submission server', copyOf('submission'), 'submission-server'),
      link('network: submission → relay', links.submissionToRelay, 'network-between-servers'),
      server('relay', relayCopy, 'relays'),
      lastLink,
      server("recipient's mailbox server", mailboxCopy, 'recipient-provider'),
      server(
        'recipient (after decrypting)',
        recipient ? { bytes: Buffer.from(recipient.bytes) } : undefined,
        'recipient',
      ),
    ];
    return {
      name: spec.name,
      title: spec.title,
      path: network.path,
      transport: sent.transport,
      predicted: sent.exposure,
      evidence,
      contradictions: contradictions(evidence, sent.exposure),
      signature: recipient?.signature ?? 'none',
      relayDelivery: relayCopy.delivery ?? null,
      delivered: mailboxCopy !== undefined,
    };
  } finally {
    await transport.close();
  }
}
