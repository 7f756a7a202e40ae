// The server's environment is declared once, by the server (inference/src/config.ts). Infra
// imports its names as a type only: the Pulumi program loads none of the server's code, and a
// renamed variable fails `tsc` wherever a container's env still uses the old name.
import type { ConfigEnv, ServerEnvName } from '../../inference/src/config';

export type { ServerEnvName };
/** Server settings by variable name; undefined means the server's default. */
export type ServerEnv = ConfigEnv;

/** The set variables of `env`, in its order, the unset (undefined) ones dropped. */
export function setVariables<K extends string>(env: Partial<Record<K, string>>): [K, string][] {
  return (Object.entries(env) as [K, string | undefined][]).filter(
    (entry): entry is [K, string] => entry[1] !== undefined,
  );
}
