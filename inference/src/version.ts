import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The inference package's version; the container image labels carry the same. */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
