/**
 * An esbuild plugin for both CLI bundles: nodemailer's URL fetcher (`href` content, a `path`
 * that is a URL, OAuth2 token requests) is replaced by a function that refuses. sealpost hands
 * nodemailer only bytes and streams it opened itself and never uses OAuth2, so the fetcher is
 * dead code — but it loads node:http, node:https and node:zlib on every send, and node:http
 * cannot be put in a start-up snapshot (docs/decisions/0143).
 */
export const noUrlFetch = {
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
