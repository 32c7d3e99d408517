import { isSealpostError } from '@sealpost/errors';
import { describe, expect, it } from 'vitest';
import { decodeQuotedPrintable } from '../entity/transfer-encoding.js';
import { readSubmission } from './read-submission.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const header = (mime: Uint8Array, name: string) =>
  new RegExp(`^${name}: (.*)$`, 'im').exec(text(mime).split('\r\n\r\n')[0]!)?.[1];

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return isSealpostError(err) ? err.code : `not a SealpostError: ${String(err)}`;
  }
  return undefined;
}

/** What Debian cron writes to `sendmail -FCronDaemon -i -B8BITMIME -oem root`. */
const CRON =
  'From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@host> run-parts /etc/cron.hourly\n' +
  'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n' +
  'X-Cron-Env: <SHELL=/bin/sh>\n\nrésumé of the job\n';

describe('readSubmission: what cron and mailx write', () => {
  it('qualifies bare local parts with localDomain and keeps the comment as the name', () => {
    const s = readSubmission(bytes(CRON), { localDomain: 'example.org' });
    expect(s.from).toEqual({ name: 'Cron Daemon', address: 'root@example.org', smtputf8: false });
    expect(s.envelope).toEqual({ from: 'root@example.org', to: ['root@example.org'] });
    expect(header(s.mime, 'From')).toBe('Cron Daemon <root@example.org>');
    expect(header(s.mime, 'To')).toBe('root@example.org');
  });

  it('refuses a bare local part without localDomain', () => {
    expect(code(() => readSubmission(bytes(CRON)))).toBe('EADDRESS');
  });

  it('accepts an empty group in To (Bcc-only mail) and keeps it as written', () => {
    const s = readSubmission(
      bytes('From: m@x.test\nTo: undisclosed-recipients:;\nBcc: hidden@x.test\n\nhi\n'),
    );
    expect(s.to).toEqual([]);
    expect(s.envelope.to).toEqual(['hidden@x.test']);
    expect(header(s.mime, 'To')).toBe('undisclosed-recipients:;');
    // Not a hex letter before the @: the random Message-ID (<hex@x.test>) cannot end in it.
    expect(text(s.mime)).not.toContain('hidden@x.test');
    expect(text(s.mime)).not.toMatch(/^Bcc:/im);
  });

  it('refuses groups with members, in any position, and an empty group as From', () => {
    for (const to of ['friends: a@x.test;', 'a@x.test, g:;x@y.test', 'g:; x', 'g;:']) {
      expect(
        code(() => readSubmission(bytes(`From: m@x.test\nTo: ${to}\n\nhi\n`))),
        to,
      ).toBe('EADDRESS');
    }
    expect(code(() => readSubmission(bytes('From: g:;\nTo: a@x.test\n\nhi\n')))).toBe('EMESSAGE');
  });

  it('accepts comments but refuses one that holds address characters', () => {
    const s = readSubmission(bytes('From: m@x.test (me)\nTo: a@x.test (Alice (A.))\n\nhi\n'));
    expect(s.envelope.to).toEqual(['a@x.test']);
    expect(code(() => readSubmission(bytes('From: m@x.test\nTo: a@x.test (e@x)\n\nhi\n')))).toBe(
      'EADDRESS',
    );
    expect(code(() => readSubmission(bytes('From: m@x.test\nTo: a@x.test (open\n\nhi\n')))).toBe(
      'EADDRESS',
    );
  });

  it('adds a From with the full name (sendmail -F) when the message has none', () => {
    const s = readSubmission(bytes('To: a@x.test\n\nhi\n'), {
      defaultFrom: 'robot@x.test',
      fullName: 'Backup Job',
    });
    expect(header(s.mime, 'From')).toBe('Backup Job <robot@x.test>');
  });

  it('encodes a body line over 998 octets as quoted-printable, losslessly', () => {
    const line = 'x'.repeat(3000);
    const s = readSubmission(bytes(`From: m@x.test\nTo: a@x.test\n\n${line}\nend\n`));
    expect(header(s.mime, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    const body = text(s.entity.body);
    expect(Math.max(...body.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(76);
    expect(text(decodeQuotedPrintable(body))).toBe(`${line}\r\nend\r\n`);
    expect(s.changes.join(' ')).toContain('998');
  });

  it('labels undeclared valid UTF-8 as utf-8, keeps a declared charset, and marks the rest unknown-8bit', () => {
    const utf = readSubmission(bytes('From: m@x.test\nTo: a@x.test\n\nGrüße\n'));
    expect(header(utf.mime, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(text(decodeQuotedPrintable(text(utf.entity.body)))).toBe('Grüße\r\n');
    const latin = Uint8Array.from([
      ...bytes('From: m@x.test\nTo: a@x.test\nContent-Type: text/plain; charset=iso-8859-1\n\n'),
      0x47,
      0xfc,
      0x0a,
    ]);
    expect(header(readSubmission(latin).mime, 'Content-Type')).toBe(
      'text/plain; charset=iso-8859-1',
    );
    const unknown = Uint8Array.from([...bytes('From: m@x.test\nTo: a@x.test\n\n'), 0xfc, 0x0a]);
    expect(header(readSubmission(unknown).mime, 'Content-Type')).toBe(
      'text/plain; charset=unknown-8bit',
    );
  });

  it('leaves 7-bit short-line bodies byte for byte as submitted', () => {
    const s = readSubmission(bytes('From: m@x.test\nTo: a@x.test\n\nhello\n'));
    expect(s.changes).toEqual([]);
    expect(header(s.mime, 'Content-Type')).toBeUndefined();
  });
});
