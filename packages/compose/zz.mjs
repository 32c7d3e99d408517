import { createMessage, toMimeStream } from './dist/index.js';
const m = createMessage({ from: 'me@example.net', to: ['a@example.org'], subject: 'x', text: 'hi', attachments: [{ path: '/tmp/ss/fx/attachment.bin', filename: 'a.bin' }] });
for (let r = 0; r < 4; r++) {
  const t = performance.now(); let n = 0, c = 0;
  for await (const ch of toMimeStream(m, { forSigning: true })) { n += ch.length; c++; }
  console.log((performance.now() - t).toFixed(0), 'ms', n, 'bytes', c, 'chunks');
}
