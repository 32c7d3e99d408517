import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlternateDirectories } from './alternate-config.js';
import { groupAlive } from './detached-process.js';
import { type PostfixInstance, startPostfix } from './start-postfix.js';

let postfix: PostfixInstance;

beforeAll(async () => {
  postfix = await startPostfix();
});
afterAll(async () => {
  await postfix?.stop();
});

/** Live (non-zombie) processes whose command line contains `text`. */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return cmdline.includes(text) && state !== 'Z' ? [`${pid} ${cmdline}`] : [];
      } catch {
        return [];
      }
    });
}

function send(
  options: { port: number; secure: boolean },
  from: string,
  to: string,
  raw: string,
): Promise<SMTPConnection.SentMessageInfo> {
  const connection = new SMTPConnection({
    host: postfix.host,
    port: options.port,
    secure: options.secure,
    requireTLS: true,
    tls: { ca: postfix.caPem, minVersion: 'TLSv1.2' },
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    connection.once('error', reject);
    connection.connect(() => {
      connection.login({ user: postfix.user, pass: postfix.password, method: 'PLAIN' }, (err) => {
        if (err) return reject(err);
        connection.send({ from, to: [to] }, raw, (sendErr, info) => {
          connection.quit();
          if (sendErr) reject(sendErr);
          else resolve(info);
        });
      });
    });
  });
}

function message(subject: string): string {
  return [
    'From: sender@sealpost.test',
    'To: rcpt@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/g, '')}@sealpost.test>`,
    '',
    'Hello through Postfix.',
    '',
  ].join('\r\n');
}

describe('startPostfix', () => {
  it('starts quickly and reports where it listens', () => {
    expect(postfix.implicitTlsPort).not.toBe(postfix.startTlsPort);
    expect(postfix.startupMs).toBeLessThan(10_000);
  });

  it('delivers a message sent over implicit TLS with AUTH PLAIN into the Maildir', async () => {
    const info = await send(
      { port: postfix.implicitTlsPort, secure: true },
      'a@sealpost.test',
      'rcpt@example.test',
      message('implicit tls'),
    );
    expect(info.accepted).toEqual(['rcpt@example.test']);
    const delivered = await postfix.waitForMessages(1);
    const text = delivered
      .map((m) => m.raw.toString('utf8'))
      .find((t) => t.includes('Subject: implicit tls'));
    expect(text).toBeDefined();
    expect(text).toContain('Hello through Postfix.');
    expect(text).toMatch(/Delivered-To: rcpt@example\.test/);
    expect(text).toMatch(/using TLSv1\.[23]/);
  });

  it('delivers a message sent over STARTTLS with AUTH PLAIN into the Maildir', async () => {
    const before = postfix.messages().length;
    await send(
      { port: postfix.startTlsPort, secure: false },
      'b@sealpost.test',
      'other@example.org',
      message('starttls'),
    );
    const delivered = await postfix.waitForMessages(before + 1);
    const file = delivered.find((m) => m.raw.includes('Subject: starttls'));
    expect(file).toBeDefined();
    expect(readFileSync(file!.file, 'utf8')).toContain('Return-Path: <b@sealpost.test>');
  });

  it('rejects a wrong password', async () => {
    const connection = new SMTPConnection({
      host: postfix.host,
      port: postfix.implicitTlsPort,
      secure: true,
      tls: { ca: postfix.caPem },
      connectionTimeout: 5_000,
      socketTimeout: 10_000,
    });
    const error = await new Promise<Error & { responseCode?: number }>((resolve, reject) => {
      connection.once('error', resolve);
      connection.connect(() =>
        connection.login({ user: postfix.user, pass: 'wrong', method: 'PLAIN' }, (err) => {
          connection.close();
          if (err) resolve(err);
          else reject(new Error('login with a wrong password succeeded'));
        }),
      );
    });
    expect(error.responseCode).toBe(535);
  });

  it('offers STARTTLS but no AUTH in cleartext on the submission port', async () => {
    const socket = connect(postfix.startTlsPort, postfix.host);
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    const replies: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          replies.push(line);
          if (line.startsWith('220 ')) socket.write('EHLO client.sealpost.test\r\n');
          if (line.startsWith('250 ')) {
            socket.end('QUIT\r\n');
            resolve();
          }
        }
      });
    });
    socket.destroy();
    expect(replies).toContain('250-STARTTLS');
    expect(replies.some((line) => /^250[- ]AUTH/.test(line))).toBe(false);
  });

  it('stop() leaves no Postfix or Dovecot process behind', async () => {
    const second = await startPostfix();
    const pid = Number(readFileSync(`${second.dir}/queue/pid/master.pid`, 'utf8').trim());
    expect(groupAlive(pid)).toBe(true);
    // Dovecot's processes carry the instance directory in their command line.
    expect(processesMentioning(second.dir).length).toBeGreaterThan(0);
    await second.stop();
    expect(groupAlive(pid)).toBe(false);
    expect(processesMentioning(second.dir)).toEqual([]);
    expect(existsSync(second.dir)).toBe(false);
  });

  it('reports why Postfix refused to start, and cleans up after itself', async () => {
    const error = await startPostfix({ myhostname: '' }).then(
      () => new Error('an empty myhostname started'),
      (err: Error) => err,
    );
    expect(error.message).toMatch(/^Postfix exited during start-up/);
    expect(error.message).toMatch(/bad string length 0 < 1: myhostname/);
    const dir = /\/\S*sealpost-postfix-[^/\s]+/.exec(error.message)?.[0];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
    const { list } = parseAlternateDirectories(readFileSync('/etc/postfix/main.cf', 'utf8'));
    expect(list).not.toContain(`${dir}/conf`);
  });
});
