import { isSealpostError } from '@sealpost/errors';
import { HOSTILE_ADDRESSES } from '@sealpost/testkit';
import { describe, expect, it } from 'vitest';
import { readSubmission } from './read-submission.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return isSealpostError(err) ? err.code : `not a SealpostError: ${String(err)}`;
  }
  return undefined;
}

const LF_INPUT =
  'From: Me <me@example.net>\nTo: alice@example.org, Bob <bob@example.org>\nCc: carol@example.org\n' +
  'Bcc: dora@example.org\nSubject: from cron\n\nhello\n';

describe('readSubmission (RFC 5322 message as submitted)', () => {
  it('reads the lists with the strict parser, removes Bcc from the bytes and adds Date and Message-ID', () => {
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const s = readSubmission(bytes(LF_INPUT), { now });
    expect(s.from).toMatchObject({ name: 'Me', address: 'me@example.net' });
    expect(s.to.map((a) => a.address)).toEqual(['alice@example.org', 'bob@example.org']);
    expect(s.cc.map((a) => a.address)).toEqual(['carol@example.org']);
    expect(s.bcc.map((a) => a.address)).toEqual(['dora@example.org']);
    expect(s.envelope).toEqual({
      from: 'me@example.net',
      to: ['alice@example.org', 'bob@example.org', 'carol@example.org', 'dora@example.org'],
    });
    const out = text(s.mime);
    expect(out).not.toMatch(/^bcc:/im);
    expect(out).not.toContain('dora@example.org');
    expect(out).toContain('Date: Fri, 2 Jan 2026 03:04:05 +0000\r\n');
    expect(out).toMatch(/^Message-ID: <[0-9a-f]{24}@example\.net>\r$/m);
    expect(s.missing).toEqual(['Date', 'Message-ID']);
    expect(s.headers.some((h) => h.name.toLowerCase() === 'bcc')).toBe(false);
    expect(text(s.entity.body)).toBe('hello\r\n');
  });

  it('gives the same result for CRLF and LF input, and only CRLF line ends out', () => {
    const options = { now: new Date(0), missingFields: 'note' as const };
    const lf = readSubmission(bytes(LF_INPUT), options);
    const crlf = readSubmission(bytes(LF_INPUT.replace(/\n/g, '\r\n')), options);
    expect(text(crlf.mime)).toBe(text(lf.mime));
    expect(text(lf.mime)).not.toMatch(/[^\r]\n/);
  });

  it("keeps a message's own Date and Message-ID, and with missingFields 'note' only notes missing ones", () => {
    const own = readSubmission(
      bytes(`Date: Thu, 1 Jan 2026 00:00:00 +0000\nMessage-ID: <x@y.test>\n${LF_INPUT}`),
    );
    expect(own.missing).toEqual([]);
    expect(text(own.mime).match(/^(Date|Message-ID):/gm)).toEqual(['Date:', 'Message-ID:']);
    const noted = readSubmission(bytes(LF_INPUT), { missingFields: 'note' });
    expect(noted.missing).toEqual(['Date', 'Message-ID']);
    expect(text(noted.mime)).not.toMatch(/^(Date|Message-ID):/m);
  });

  it('without recipientsFromHeaders only the extra recipients receive it, blind unless in To/Cc', () => {
    const s = readSubmission(bytes(LF_INPUT), {
      recipientsFromHeaders: false,
      extraRecipients: ['eve@example.org', 'eve@example.org'],
    });
    expect(s.to).toEqual([]);
    expect(s.bcc.map((a) => a.address)).toEqual(['eve@example.org']);
    const named = readSubmission(bytes(LF_INPUT), { extraRecipients: ['Alice@example.org'] });
    expect(named.bcc.map((a) => a.address)).toEqual(['dora@example.org']);
  });

  it('takes the envelope sender from envelopeFrom, else From, else defaultFrom', () => {
    expect(readSubmission(bytes(LF_INPUT), { envelopeFrom: 'b@x.test' }).envelope.from).toBe(
      'b@x.test',
    );
    const noFrom = 'To: a@example.org\n\nhi\n';
    expect(readSubmission(bytes(noFrom), { defaultFrom: 'c@x.test' }).from.address).toBe(
      'c@x.test',
    );
    expect(code(() => readSubmission(bytes(noFrom)))).toBe('EMESSAGE');
  });

  it('marks a non-ASCII local part as needing SMTPUTF8', () => {
    const s = readSubmission(bytes('From: me@example.net\nTo: jürgen@example.org\n\nhi\n'));
    expect(s.envelope.smtputf8).toBe(true);
    expect(readSubmission(bytes(LF_INPUT)).envelope.smtputf8).toBeUndefined();
  });

  it('refuses empty input and duplicated From/Date fields; a recipient listed twice gets one copy', () => {
    expect(code(() => readSubmission(new Uint8Array(0)))).toBe('EMESSAGE');
    const twice = readSubmission(bytes('From: m@x.test\nTo: a@x.test\nCc: A@x.test\n\nhi\n'));
    expect(twice.envelope.to).toEqual(['a@x.test']);
    expect(twice.cc).toEqual([]);
    expect(twice.changes.join(' ')).toContain('sent once');
    expect(
      code(() => readSubmission(bytes('From: m@x.test\nFrom: evil@x.test\nTo: a@x.test\n\n'))),
    ).toBe('EMESSAGE');
    expect(
      code(() => readSubmission(bytes('From: m@x.test\nDate: a\nDate: b\nTo: a@x.test\n\nhi\n'))),
    ).toBe('EMESSAGE');
  });

  it('refuses hostile header sections: a folded first line, a line without a colon, a bad name', () => {
    for (const head of [' folded: x\nFrom: m@x.test\n', 'no colon here\n', 'Bad Name: x\n']) {
      expect(
        code(() => readSubmission(bytes(`${head}To: a@x.test\n\nhi\n`))),
        head,
      ).toBe('EMIME');
    }
  });

  it('refuses every hostile address in To, Cc, Bcc and From, so none can add a recipient', () => {
    for (const { title, input } of HOSTILE_ADDRESSES) {
      if (/[\r\n]/.test(input)) continue; // a line break ends the field: tested below
      for (const field of ['To', 'Cc', 'Bcc', 'From']) {
        const message = `From: m@x.test\n${field === 'From' ? '' : 'To: a@x.test\n'}${field}: ${input}\n\nhi\n`;
        const result = code(() =>
          readSubmission(
            bytes(field === 'From' ? message.replace('From: m@x.test\n', '') : message),
          ),
        );
        expect(['EADDRESS', 'EMIME', 'EMESSAGE'], `${title} in ${field}`).toContain(result);
      }
    }
  });

  it('still refuses every hostile address with the loose submission syntax (only a bare name is qualified)', () => {
    for (const { title, input } of HOSTILE_ADDRESSES) {
      if (/[\r\n]/.test(input) || input === 'bob') continue;
      for (const field of ['To', 'Cc', 'Bcc']) {
        const message = `From: m@x.test\nTo: a@x.test\n${field}: ${input}\n\nhi\n`;
        const result = code(() => readSubmission(bytes(message), { localDomain: 'example.org' }));
        expect(['EADDRESS', 'EMIME', 'EMESSAGE'], `${title} in ${field}`).toContain(result);
      }
    }
  });

  it('treats a line break inside a field as the end of that field (a Bcc there is still removed)', () => {
    const s = readSubmission(bytes('From: m@x.test\nTo: a@x.test\r\nBcc: evil@x.test\n\nhi\n'));
    expect(s.bcc.map((a) => a.address)).toEqual(['evil@x.test']);
    expect(text(s.mime)).not.toContain('evil@x.test');
  });
});
