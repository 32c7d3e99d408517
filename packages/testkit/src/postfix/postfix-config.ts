/**
 * main.cf and master.cf for a private Postfix that accepts authenticated submission on two
 * loopback ports (RFC 8314 implicit TLS and RFC 3207 STARTTLS) and delivers every recipient
 * into one Maildir. Pure text builders: paths and ports come in, file contents go out.
 */

export interface PostfixLayout {
  /** Root of the instance: everything below lives in it. */
  readonly root: string;
  readonly configDir: string;
  readonly queueDir: string;
  readonly dataDir: string;
  readonly maillogFile: string;
  /** The Maildir every message is delivered to (relative name `maildir/` under root). */
  readonly maildir: string;
  readonly tlsKeyFile: string;
  readonly tlsChainFile: string;
  /** The Dovecot auth socket Postfix's smtpd asks (smtpd_sasl_type = dovecot). */
  readonly saslSocket: string;
}

export interface PostfixSettings {
  readonly implicitTlsPort: number;
  readonly startTlsPort: number;
  /** An MX-style port (the role of port 25): STARTTLS offered, no AUTH, mail for any domain. */
  readonly relayPort?: number;
  /** uid/gid the virtual(8) agent delivers as (the postfix user). */
  readonly deliveryUid: number;
  readonly deliveryGid: number;
  readonly myhostname: string;
  readonly messageSizeLimit: number;
}

export function mainCf(layout: PostfixLayout, settings: PostfixSettings): string {
  return `# Private sealpost test instance; written by @sealpost/testkit.
compatibility_level = 3.6
queue_directory = ${layout.queueDir}
data_directory = ${layout.dataDir}
mail_owner = postfix
# No syslog here: postlogd writes to this file, the only place errors show up.
maillog_file = ${layout.maillogFile}
maillog_file_prefixes = ${layout.root}
myhostname = ${settings.myhostname}
mydestination =
relay_domains =
alias_maps =
alias_database =
biff = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
message_size_limit = ${settings.messageSizeLimit}
mailbox_size_limit = 0
virtual_mailbox_limit = 0

# Every recipient domain is a virtual mailbox domain, every address the same Maildir.
virtual_mailbox_domains = static:all
virtual_mailbox_base = ${layout.root}
virtual_mailbox_maps = static:maildir/
virtual_uid_maps = static:${settings.deliveryUid}
virtual_gid_maps = static:${settings.deliveryGid}
virtual_minimum_uid = 1

# TLS (RFC 8996: nothing older than 1.2).
smtpd_tls_chain_files = ${layout.tlsKeyFile}, ${layout.tlsChainFile}
smtpd_tls_security_level = none
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
tls_random_source = dev:/dev/urandom

# SASL through the private Dovecot; only authenticated clients may send.
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${layout.saslSocket}
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
`;
}

function submissionService(port: number, name: string, extra: readonly string[]): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    `  -o syslog_name=postfix/${name}`,
    ...extra.map((option) => `  -o ${option}`),
    '  -o smtpd_tls_security_level=encrypt',
    '  -o smtpd_sasl_auth_enable=yes',
    '  -o smtpd_tls_auth_only=yes',
    '  -o smtpd_client_restrictions=permit_sasl_authenticated,reject',
  ].join('\n');
}

/**
 * Server-to-server SMTP as an MX runs it: TLS offered but not required (RFC 3207 on port 25),
 * no AUTH, and every domain is local (virtual_mailbox_domains), so nothing is relayed on.
 */
function relayService(port: number): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    '  -o syslog_name=postfix/mx',
    '  -o smtpd_tls_security_level=may',
    '  -o smtpd_sasl_auth_enable=no',
    '  -o smtpd_client_restrictions=',
    '  -o smtpd_relay_restrictions=reject_unauth_destination',
    '  -o smtpd_recipient_restrictions=reject_unauth_destination',
  ].join('\n');
}

/** Only the daemons the submission-to-Maildir path needs; no chroot (paths are absolute). */
export function masterCf(settings: PostfixSettings): string {
  return `# service type private unpriv chroot wakeup maxproc command
${submissionService(settings.implicitTlsPort, 'submissions', ['smtpd_tls_wrappermode=yes'])}
${submissionService(settings.startTlsPort, 'submission', [])}
${settings.relayPort === undefined ? '' : relayService(settings.relayPort)}
pickup    unix  n  -  n  60    1  pickup
cleanup   unix  n  -  n  -     0  cleanup
qmgr      unix  n  -  n  300   1  qmgr
tlsmgr    unix  -  -  n  1000? 1  tlsmgr
rewrite   unix  -  -  n  -     -  trivial-rewrite
bounce    unix  -  -  n  -     0  bounce
defer     unix  -  -  n  -     0  bounce
trace     unix  -  -  n  -     0  bounce
verify    unix  -  -  n  -     1  verify
flush     unix  n  -  n  1000? 0  flush
proxymap  unix  -  -  n  -     -  proxymap
error     unix  -  -  n  -     -  error
retry     unix  -  -  n  -     -  error
discard   unix  -  -  n  -     -  discard
virtual   unix  -  n  n  -     -  virtual
anvil     unix  -  -  n  -     1  anvil
scache    unix  -  -  n  -     1  scache
postlog   unix-dgram n - n -   1  postlogd
`;
}
