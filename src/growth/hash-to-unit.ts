import { createHash } from 'node:crypto';

const TWO_POW_52 = 2 ** 52;

/**
 * Maps a string to [0, 1): SHA-256 of its UTF-8 bytes, the first 52 bits read
 * big-endian as an integer (bytes 0–5 whole, then the high nibble of byte 6),
 * divided by 2^52. 52 bits fit a double exactly, so the result is uniform on
 * a 2^52 grid and identical on every platform and Node version.
 */
export function hashToUnit(input: string): number {
  const digest = createHash('sha256').update(input, 'utf8').digest();
  const high48 = digest.readUIntBE(0, 6);
  const nibble = (digest[6] as number) >>> 4;
  return (high48 * 16 + nibble) / TWO_POW_52;
}

/** The bucket position of a user in an experiment: hashToUnit(`${experimentKey}:${userId}`). */
export function bucketOf(experimentKey: string, userId: string): number {
  return hashToUnit(`${experimentKey}:${userId}`);
}
