// Preloaded (`node --import`) into one `sealpost send` by session-timeline.ts: notes when the
// SMTP session's steps happen, in ms since the process started, and prints them on exit.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

const marks = [];
const note = (what) => marks.push([performance.now(), what]);
note('node ready (preload)');

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  if (!(this instanceof tls.TLSSocket)) {
    note('TCP connect');
    this.once('data', () => note('greeting read'));
  }
  return connect.apply(this, args);
};

const commandOf = (chunk) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1', 0, 10);
  return /^(EHLO|STARTTLS|AUTH|MAIL|QUIT)/.exec(text)?.[1];
};
const plainWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function (chunk, ...rest) {
  const command = commandOf(chunk);
  if (command && !(this instanceof tls.TLSSocket)) note(`${command} sent`);
  return plainWrite.call(this, chunk, ...rest);
};
const tlsWrite = tls.TLSSocket.prototype.write;
tls.TLSSocket.prototype.write = function (chunk, ...rest) {
  const command = commandOf(chunk);
  if (command) note(`${command} sent (in TLS)`);
  if (command === 'EHLO') note('TLS handshake done');
  return tlsWrite.call(this, chunk, ...rest);
};

process.on('exit', () => {
  note('exit');
  const lines = marks.map(([at, what]) => `${at.toFixed(1).padStart(8)} ms  ${what}`);
  process.stderr.write(`${lines.join('\n')}\n`);
});
