/** IPv4 CIDR arithmetic for carving a VPC into subnets. */

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export interface ParsedCidr {
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when it is not a valid IPv4 CIDR with a zero host part. */
export function parseCidr(cidr: string): ParsedCidr | undefined {
  const match = CIDR.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const hostBits = 32 - prefix;
  if (base % 2 ** hostBits !== 0) return undefined;
  return { base, prefix };
}

function format(base: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefix}`;
}

/** The `index`-th subnet of `cidr` that is `newBits` longer, e.g. (10.0.0.0/16, 4, 1) -> 10.0.16.0/20. */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new RangeError(`"${cidr}" is not an IPv4 CIDR like 10.0.0.0/16`);
  const prefix = parsed.prefix + newBits;
  if (prefix > 28 || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`${cidr} has no subnet #${index} of /${prefix}`);
  }
  return format(parsed.base + index * 2 ** (32 - prefix), prefix);
}
