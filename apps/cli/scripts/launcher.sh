#!/bin/sh
# sealpost: starts Node from a start-up snapshot next to this file (decision 0143) when the
# snapshots were built by the very `node` found on PATH and NODE_OPTIONS is empty; otherwise it
# runs bin.js, as before the snapshots. Copied to dist/sealpost by scripts/snapshot.mjs, which
# also writes the stamp.
self=$0
if [ -L "$self" ]; then self=$(readlink -f -- "$self"); fi
case $self in
*/*) dist=${self%/*} ;;
*) dist=. ;;
esac
# V8 flags for every run. The snapshot must be started with the flags it was built with, so
# scripts/snapshot.mjs reads this line. A young generation of 4 MB instead of 16 MB keeps a
# 1 GiB streamed S/MIME decryption at ~125 MB instead of ~150 MB, for ~5 % of throughput.
v8_flags='--max-semi-space-size=4'
# And for runs from the snapshot only (the builder gets them too): its code starts in V8's
# interpreter, and --always-sparkplug compiles each function to baseline code on its first
# call (one-shot decrypt, verify and send --dry-run ~5-9 ms faster, large messages no slower;
# decision 0143). bin.js, which compiles from source, is ~15 % slower with it.
snapshot_v8_flags='--always-sparkplug'
# The smallest snapshot that holds the command (scripts/snapshot.mjs, SNAPSHOTS, has the same
# lists): a smaller heap is restored faster. Linked as sendmail, the command is sendmail.
# blob_v8_flags: that snapshot's own V8 flags, which its builder gets too (snapshot.mjs reads
# them here). Started from a snapshot, V8 keeps the young generation at the 1 MB it starts
# with; a streamed send then promotes the buffers it has in flight and collects the old
# generation again and again (a 100 MiB S/MIME send: 245 scavenges and 19 full collections,
# against 113 and 1 at 4 MB), so send starts at 4 MB. Not the recipient side: its OpenPGP
# streams ran ~7 % slower with it (decision 0143, sixth amendment).
case ${0##*/}:${1-} in
sendmail:* | sealpost-sendmail:* | *:send | *:sendmail) blob=$dist/sealpost-send.blob blob_v8_flags='--min-semi-space-size=4' ;;
*:decrypt | *:verify | *:inspect) blob=$dist/sealpost-open.blob blob_v8_flags='' ;;
*) blob=$dist/sealpost.blob blob_v8_flags='' ;;
esac
node=$(command -v node) || {
  echo "sealpost: node is not on PATH (sealpost needs Node.js 20.19 or later)" >&2
  exit 127
}
# NODE_OPTIONS may carry V8 flags (--max-old-space-size, …): Node then refuses the snapshot,
# which was made without them, and it ignores --import preloads when starting from one.
# A bin.js newer than the snapshot was built without it (tsc -b alone): the snapshot is stale.
if [ -z "${NODE_OPTIONS-}" ] && [ -r "$dist/sealpost.stamp" ] && [ "$blob" -nt "$dist/bin.js" ]; then
  read -r built <"$dist/sealpost.stamp"
  # Device, inode, size and mtime of the node binary: any other or replaced node (an upgrade,
  # nvm, a container image) cannot read this snapshot and takes bin.js instead. Not the ctime:
  # a new hard link to node (perf's build-id cache makes one) changes it, not the binary.
  if [ "$built" = "$(stat -L -c '%d %i %s %Y' -- "$node" 2>/dev/null)" ]; then
    exec "$node" $v8_flags $snapshot_v8_flags $blob_v8_flags --snapshot-blob "$blob" "$0" "$@"
  fi
fi
exec "$node" $v8_flags "$dist/bin.js" "$@"
