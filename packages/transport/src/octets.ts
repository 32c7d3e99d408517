/** Sizes in messages people read: sealpost's errors and `sealpost probe`. */

/** "52428800 octets (50.0 MiB)": the exact count, and a size a person reads at a glance. */
export function formatOctets(n: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = '';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit ? `${n} octets (${value.toFixed(1)} ${unit})` : `${n} octets`;
}
