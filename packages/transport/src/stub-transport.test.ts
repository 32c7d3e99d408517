import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTransport, StubTransport } from './stub-transport.js';

const raw = new TextEncoder().encode('Subject: hi\r\n\r\nbody\r\n');
const envelope = { from: 'a@x.test', to: ['b@x.test', 'hidden-bcc@x.test'] };
const dir = mkdtempSync(join(tmpdir(), 'sealpost-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('StubTransport', () => {
  it('records the envelope and the bytes, from a stream too', async () => {
    const stub = new StubTransport();
    const report = await stub.send({
      envelope,
      raw: Readable.from([raw.subarray(0, 5), raw.subarray(5)]),
    });
    expect(stub.messages).toHaveLength(1);
    expect(stub.messages[0]!.envelope).toEqual(envelope);
    expect(Buffer.from(stub.messages[0]!.raw).equals(Buffer.from(raw))).toBe(true);
    expect(report).toMatchObject({
      transport: 'stub',
      accepted: envelope.to,
      tls: null,
      mode: 'none',
    });
  });

  it('fails like a server when asked, and still validates the envelope', async () => {
    const stub = new StubTransport({
      failWith: (m) =>
        m.envelope.to.includes('down@x.test')
          ? new SealpostError('ETEMPFAIL', 'simulated 451')
          : undefined,
    });
    await expect(
      stub.send({ envelope: { from: 'a@x.test', to: ['down@x.test'] }, raw }),
    ).rejects.toMatchObject({
      code: 'ETEMPFAIL',
    });
    await expect(
      stub.send({ envelope: { from: 'a@x.test', to: ['x\r\n@y'] }, raw }),
    ).rejects.toMatchObject({
      code: 'EADDRESS',
    });
    expect(stub.messages).toHaveLength(0);
  });
});

describe('FileTransport', () => {
  it('writes the exact bytes to an .eml file and the envelope beside it', async () => {
    const transport = new FileTransport({ directory: dir });
    const report = await transport.send({ envelope, raw });
    expect(report.transport).toBe('file');
    expect(report.file).toMatch(/\.eml$/);
    expect(readFileSync(report.file!).equals(Buffer.from(raw))).toBe(true);
    const sidecar = JSON.parse(
      readFileSync(report.file!.replace(/\.eml$/, '.envelope.json'), 'utf8'),
    );
    expect(sidecar).toEqual(envelope);
    expect(readFileSync(report.file!, 'latin1')).not.toContain('hidden-bcc');
    expect(report.messageSize).toBe(raw.byteLength);
  });
});
