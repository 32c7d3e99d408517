import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAlternateDirectories } from './alternate-config.js';
import { type PostfixInstance, startPostfix } from './start-postfix.js';

const instances: PostfixInstance[] = [];
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
});

function greeting(port: number, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: caPem, timeout: 5_000 });
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('latin1'));
    });
    socket.once('error', reject);
    socket.once('timeout', () => socket.destroy(new Error('timeout')));
  });
}

describe('several Postfix instances at once', () => {
  it('start side by side without clashing ports, directories or registration', async () => {
    instances.push(
      ...(await Promise.all(
        [1, 2, 3].map((n) => startPostfix({ myhostname: `mx${n}.sealpost.test` })),
      )),
    );
    const ports = instances.flatMap((i) => [i.implicitTlsPort, i.startTlsPort]);
    expect(new Set(ports).size).toBe(6);
    expect(new Set(instances.map((i) => i.dir)).size).toBe(3);

    // All three configuration directories are registered in the default main.cf.
    const { list } = parseAlternateDirectories(readFileSync('/etc/postfix/main.cf', 'utf8'));
    for (const instance of instances) expect(list).toContain(`${instance.dir}/conf`);

    // Each port answers with its own instance's greeting.
    const greetings = await Promise.all(instances.map((i) => greeting(i.implicitTlsPort, i.caPem)));
    for (const [n, line] of greetings.entries()) {
      expect(line).toMatch(new RegExp(`^220 mx${n + 1}\\.sealpost\\.test `));
    }

    const stopped = instances.splice(0);
    await Promise.all(stopped.map((i) => i.stop()));
    const after = parseAlternateDirectories(readFileSync('/etc/postfix/main.cf', 'utf8')).list;
    for (const instance of stopped) expect(after).not.toContain(`${instance.dir}/conf`);
  });
});
