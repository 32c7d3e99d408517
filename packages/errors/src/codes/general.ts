import { defineCodes } from './entry.js';

/** Codes any package may raise. */
export const GENERAL_CODES = defineCodes({
  EINTERNAL: {
    description: 'An unexpected internal error occurred; this is a bug in sealpost.',
    action: 'Report it with the command you ran and the error code; nothing was sent.',
    retry: 'permanent',
    category: 'internal',
  },
  ECONFIG: {
    description: 'An option or configuration value is missing, unknown or out of range.',
    action: 'Check the option named in the message against the documentation and fix its value.',
    retry: 'permanent',
    category: 'usage',
  },
  EIO: {
    description: 'A local file could not be read or written.',
    action: 'Check that the path exists and that you may read (or write) it.',
    retry: 'permanent',
    category: 'usage',
  },
});
