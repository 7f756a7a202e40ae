import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The accepted API keys, from API_KEYS and/or API_KEYS_FILE (one key per line, `#` comments).
 * The file is re-read when it changes, so a rotated Kubernetes Secret takes effect without a
 * restart: add the new key, roll clients, remove the old one. Keys are kept only as SHA-256
 * digests and compared in constant time.
 */
export class ApiKeys {
  private digests: Buffer[] = [];
  private fileStamp = '';
  private checkedAt = -Infinity;

  constructor(
    private readonly inline: string[],
    private readonly file: string | undefined,
  ) {
    if (file && !statSync(file, { throwIfNoEntry: false })) {
      throw new Error(
        `API_KEYS_FILE (${file}) does not exist: mount the Secret there or unset API_KEYS_FILE`,
      );
    }
    this.digests = inline.map(digest);
    this.reload();
  }

  get enabled(): boolean {
    this.reload();
    return this.digests.length > 0;
  }

  /** The account id for a valid key, undefined otherwise. Every key is compared, always. */
  verify(candidate: string): string | undefined {
    this.reload();
    const probe = digest(candidate);
    let match: Buffer | undefined;
    for (const key of this.digests) if (timingSafeEqual(key, probe)) match = key;
    return match ? `key-${match.toString('hex').slice(0, 12)}` : undefined;
  }

  /** At most once a second; a file missing mid-swap keeps the keys we had. */
  private reload(): void {
    if (!this.file || performance.now() - this.checkedAt < 1000) return;
    this.checkedAt = performance.now();
    const stat = statSync(this.file, { throwIfNoEntry: false });
    if (!stat) return;
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (stamp === this.fileStamp) return;
    this.fileStamp = stamp;
    const fromFile = readFileSync(this.file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#'));
    this.digests = [...this.inline, ...fromFile].map(digest);
  }
}
