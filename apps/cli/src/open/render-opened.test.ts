// The pieces an inner message read back from its file is printed around (decision 0142) give
// the same text as renderOpened / openedJson with the message in memory.
import { PassThrough } from 'node:stream';
import type { OpenedMessage } from '@sealpost/pipeline/recipient';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../output.js';
import { terminalText } from '../text/layout.js';
import { openedJson, openedJsonAround, renderOpened, renderOpenedHead } from './render-opened.js';

const opened: OpenedMessage = {
  scheme: 'smime',
  encrypted: true,
  inline: false,
  encryption: {
    structure: 'authEnvelopedData',
    contentEncryptionOid: '2.16.840.1.101.3.4.1.46',
    keyEncryptionOid: '1.2.840.113549.1.1.7',
  },
  integrity: 'aead',
  headerProtection: 'cipher',
  headers: [{ name: 'Subject', value: 'Mid \u001b[2J' }],
  outerHeaders: [{ name: 'Subject', value: '[...]' }],
  hpOuter: [],
  signatures: [],
  notes: ['a note'],
  message: new TextEncoder().encode('Subject: Mid\r\n\r\nbody "quoted" \u202e\r\n'),
};

describe('render-opened pieces', () => {
  it('head + terminalText is renderOpened; the JSON around the string is openedJson', () => {
    const out = createOutput({
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      json: false,
    });
    const name = (oid: string) => `alg ${oid}`;
    expect(
      `${renderOpenedHead({ ...opened, message: new Uint8Array(0) }, out, name)}\n${terminalText(opened.message)}`,
    ).toBe(renderOpened(opened, null, out, name));
    const [before, after] = openedJsonAround({ ...opened, message: new Uint8Array(0) });
    const text = JSON.stringify(new TextDecoder().decode(opened.message)).slice(1, -1);
    expect(`${before}${text}${after}`).toBe(JSON.stringify(openedJson(opened, null), null, 2));
  });
});
