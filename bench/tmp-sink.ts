import { writeFileSync } from 'node:fs';
import { sharedTestCa, startSubmissionServer } from '@sealpost/testkit';
const ca = await sharedTestCa();
const tls = await ca.issueServerCertificate();
writeFileSync('/tmp/lsb/ca.pem', ca.certPem);
const server = await startSubmissionServer({
  mode: 'starttls',
  certificate: { certPem: tls.certPem, keyPem: tls.keyPem, chainPem: tls.chainPem },
  size: 4 * 1024 * 1024 * 1024,
  keepData: false,
});
writeFileSync('/tmp/lsb/port', String(server.port));
console.log('port', server.port);
setInterval(() => {}, 1000);
