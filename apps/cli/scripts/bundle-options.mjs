/**
 * What both CLI bundles are built with (scripts/bundle.mjs: bin.js and its chunks;
 * scripts/snapshot.mjs: the start-up snapshot's CommonJS file).
 */

/**
 * An esbuild plugin for both: nodemailer's URL fetcher (`href` content, a `path`
 * that is a URL, OAuth2 token requests) is replaced by a function that refuses. sealpost hands
 * nodemailer only bytes and streams it opened itself and never uses OAuth2, so the fetcher is
 * dead code — but it loads node:http, node:https and node:zlib on every send, and node:http
 * cannot be put in a start-up snapshot (docs/decisions/0143).
 */
const noUrlFetch = {
  name: 'sealpost-no-url-fetch',
  setup(build) {
    build.onResolve({ filter: /(^|\/)fetch\/index\.js$/ }, (args) =>
      /[\\/]nodemailer[\\/]/.test(args.importer)
        ? { path: 'nodemailer-fetch', namespace: 'sealpost-no-url-fetch' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'sealpost-no-url-fetch' }, () => ({
      loader: 'js',
      contents: [
        'function refuse() {',
        "  throw new Error('sealpost does not fetch message content or tokens from URLs');",
        '}',
        'refuse.DEFAULT_TIMEOUT = 0;',
        'refuse.DEFAULT_MAX_TIME = 0;',
        'export default refuse;',
      ].join('\n'),
    }));
  },
};

/** The esbuild options the two bundles share; each adds its entry, format and output. */
export function cliBundleOptions(root) {
  return {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: [noUrlFetch],
  };
}
