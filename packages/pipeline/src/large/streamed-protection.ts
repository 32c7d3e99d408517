/**
 * Whether a message file takes the streamed recipient path (issue 12): above the threshold,
 * and of a layer whose scheme has a streamed side; anything else is opened in memory.
 */
import type { ProtectionLayer } from '@sealpost/compose';
import { schemeAdapter } from '../schemes/scheme.js';
import { readLargeMessage } from './large-message.js';

/**
 * The top-level protection layer of the message in `path` (header section only, no crypto
 * library loaded) when it can be opened with openMessageFile; null: use openMessage.
 */
export async function streamedProtection(path: string): Promise<ProtectionLayer | null> {
  const { layer } = await readLargeMessage(path);
  if (!layer) return null;
  return schemeAdapter(layer.scheme).streamed?.streams(layer) ? layer : null;
}
