// executePlan end to end: real keys, real PGP/MIME and S/MIME, a real SMTP server over TLS.
import { createMessage } from '@sealpost/compose';
import { isSealpostError } from '@sealpost/errors';
import type { KeySet, RecipientKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import {
  type RunningSubmissionServer,
  sharedTestCa,
  startSubmissionServer,
} from '@sealpost/testkit';
import { createSmtpTransport, type SmtpTransport } from '@sealpost/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, executePlan, planSend, renderSendReport } from '../src/index.js';

let server: RunningSubmissionServer;
let transport: SmtpTransport;
let alice: pgp.GeneratedKey; // To, OpenPGP
let dora: pgp.GeneratedKey; // Bcc, OpenPGP
let sender: pgp.GeneratedKey;
let bobCert: smime.SmimeCertificate; // Cc, S/MIME
let bobKey: smime.SmimePrivateKey;
let keys: KeySet;

beforeAll(async () => {
  const ca = await sharedTestCa();
  const tls = await ca.issueServerCertificate();
  server = await startSubmissionServer({
    mode: 'implicit-tls',
    certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
    users: { me: 'secret-pass' },
  });
  transport = createSmtpTransport({
    host: '127.0.0.1',
    port: server.port,
    mode: 'implicit-tls',
    servername: 'localhost',
    ca: ca.certPem,
    auth: { user: 'me', pass: 'secret-pass' },
    timeouts: { connectMs: 5000, greetingMs: 5000, socketMs: 10000 },
  });
  const generate = (email: string) => pgp.generateKey({ userIds: [{ email }] });
  [alice, dora, sender] = await Promise.all([
    generate('alice@example.org'),
    generate('dora@example.org'),
    generate('me@example.net'),
  ]);
  const bob = await ca.issueEmailCertificate('bob@example.org');
  bobCert = smime.readCertificate(bob.certPem);
  bobKey = smime.readPrivateKey(bob.keyPem);
  const pgpKey = (address: string, k: pgp.GeneratedKey): RecipientKey => ({
    scheme: 'pgp',
    address,
    fingerprint: k.fingerprint.toLowerCase(),
    source: 'file',
    material: k.publicKey,
  });
  keys = {
    recipients: new Map([
      ['alice@example.org', [pgpKey('alice@example.org', alice)]],
      ['dora@example.org', [pgpKey('dora@example.org', dora)]],
      [
        'bob@example.org',
        [
          {
            scheme: 'smime',
            address: 'bob@example.org',
            fingerprint: bob.fingerprint256,
            source: 'file',
            material: bobCert,
          },
        ],
      ],
    ]),
    signers: {
      pgp: {
        scheme: 'pgp',
        fingerprint: sender.fingerprint.toLowerCase(),
        source: 'file',
        material: { privateKey: sender.privateKey },
      },
    },
  };
});

afterAll(async () => {
  await transport?.close();
  await server?.close();
});

const SECRET = 'The merger closes on Friday.';

describe('executePlan', () => {
  it('sends one OpenPGP copy, one S/MIME copy and a private Bcc copy, each readable only by its recipients', async () => {
    const message = createMessage({
      from: 'me@example.net',
      to: 'alice@example.org',
      cc: 'bob@example.org',
      bcc: 'dora@example.org',
      subject: 'Project Falcon',
      text: SECRET,
    });
    const plan = planSend(message, { ...DEFAULT_POLICY, encrypt: 'require', sign: 'pgp' }, keys);
    const report = await executePlan(plan, transport, { message, signers: keys.signers });

    expect(report.messages.map((m) => [m.endToEnd.scheme, m.envelope.to, m.bccCopy])).toEqual([
      ['pgp', ['alice@example.org'], false],
      ['smime', ['bob@example.org'], false],
      ['pgp', ['dora@example.org'], true],
    ]);
    expect(server.messages).toHaveLength(3);
    // The largest copy went out first (a server's SIZE limit would refuse it before anything
    // was sent); the report keeps the plan's order.
    const sizes = server.messages.map((m) => m.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const receivedBy = (address: string) => {
      const received = server.messages.find((m) => m.to.includes(address));
      expect(received, address).toBeDefined();
      return new Uint8Array(received!.raw);
    };
    for (const received of server.messages) {
      const text = received.raw.toString('latin1');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('Project Falcon'); // header protection: outer Subject is [...]
      expect(text).toMatch(/^Subject: \[\.\.\.\]\r$/m);
      expect(text).not.toMatch(/^Bcc:/im);
      expect(text).not.toContain('dora@example.org'.toUpperCase());
      expect(received.secure).toBe(true);
    }
    // The To copy: alice decrypts it, dora (Bcc) cannot, and it names no Bcc.
    const toCopy = receivedBy('alice@example.org');
    const opened = await pgp.decryptMime(toCopy, {
      decryptionKeys: [alice.privateKey],
      verificationKeys: [sender.publicKey],
    });
    expect(new TextDecoder().decode(opened.entity.body)).toContain(SECRET);
    expect(opened.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe(
      'Project Falcon',
    );
    expect(opened.signatures.map((s) => s.status)).toEqual(['valid']);
    expect(JSON.stringify(opened.headers)).not.toContain('dora@example.org');
    await expect(
      pgp.decryptMime(toCopy, { decryptionKeys: [dora.privateKey] }),
    ).rejects.toMatchObject({ code: 'EDECRYPT' });
    // The Bcc copy is dora's alone.
    const bccCopy = receivedBy('dora@example.org');
    const bccOpened = await pgp.decryptMime(bccCopy, {
      decryptionKeys: [dora.privateKey],
    });
    expect(new TextDecoder().decode(bccOpened.entity.body)).toContain(SECRET);
    await expect(
      pgp.decryptMime(bccCopy, {
        decryptionKeys: [alice.privateKey],
      }),
    ).rejects.toMatchObject({ code: 'EDECRYPT' });
    // The S/MIME copy opens with bob's key.
    const smimeOpened = await smime.decryptMime(receivedBy('bob@example.org'), {
      privateKey: bobKey,
      certificate: bobCert,
    });
    expect(new TextDecoder().decode(smimeOpened.entity.body)).toContain(SECRET);

    // The report: transport facts and the exposure matrix per copy.
    const first = report.messages[0]!;
    expect(first.transport).toMatchObject({
      mode: 'implicit-tls',
      accepted: ['alice@example.org'],
    });
    expect(first.transport?.tls?.validation).toBe('verified');
    expect(first.exposure['submission-server'].body.visibility).toBe('hidden');
    expect(first.exposure['submission-server'].subject.visibility).toBe('hidden');
    expect(first.exposure['submission-server'].recipients.visibility).toBe('readable');
    expect(first.endToEnd.recipients.map((r) => r.address)).toEqual(['alice@example.org']);
    const human = renderSendReport(report);
    expect(human).toContain('Message 3 of 3 (private Bcc copy) → dora@example.org');
    expect(human).toMatch(/transport: 127\.0\.0\.1:\d+ implicit-tls, TLSv1\.[23]/);
    expect(JSON.stringify(report)).not.toContain('secret-pass');
  });

  it('refuses the whole send, sending nothing, when a required key is missing', async () => {
    const before = server.messages.length;
    const message = createMessage({
      from: 'me@example.net',
      to: ['alice@example.org', 'nokey@example.org'],
      subject: 'x',
      text: 'y',
    });
    const plan = planSend(message, { ...DEFAULT_POLICY, encrypt: 'require' }, keys);
    const failure = await executePlan(plan, transport, { message }).catch((err) => err);
    expect(isSealpostError(failure) && failure.code).toBe('EPOLICY');
    expect(server.messages.length).toBe(before);
  });
});
