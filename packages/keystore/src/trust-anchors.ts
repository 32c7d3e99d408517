/**
 * S/MIME trust anchors from files (`--anchor FILE`, `--ca FILE`): every certificate of each
 * PEM or DER file (decision 0051). An OpenPGP key here is a mistake, not an anchor.
 */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Smime from '@sealpost/smime';
import { readKeyMaterialFile } from './key-material.js';

export async function readTrustAnchors(
  files: readonly string[],
  options: { readonly cwd?: string } = {},
): Promise<Smime.SmimeCertificate[]> {
  const anchors: Smime.SmimeCertificate[] = [];
  for (const file of files) {
    const material = await readKeyMaterialFile(file, options);
    if (material.certificates.length === 0) {
      throw new SealpostError(
        'EKEY_FILE',
        `The trust anchor file ${quoteUntrusted(file)} must hold X.509 certificates.`,
        { details: { file } },
      );
    }
    anchors.push(...material.certificates);
  }
  return anchors;
}
