import { parseCidr, subnetCidr } from '../../../infra/lib/cidr';

describe('cidr', () => {
  it('parses IPv4 CIDRs and rejects host bits, bad octets and prefixes', () => {
    expect(parseCidr('10.0.0.0/16')).toEqual({ base: 10 * 2 ** 24, prefix: 16 });
    expect(parseCidr('10.0.0.1/16')).toBeUndefined();
    expect(parseCidr('10.0.256.0/24')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
  });

  it('carves the n-th subnet', () => {
    expect(subnetCidr('10.0.0.0/16', 4, 0)).toBe('10.0.0.0/20');
    expect(subnetCidr('10.0.0.0/16', 4, 9)).toBe('10.0.144.0/20');
    expect(subnetCidr('192.168.0.0/20', 4, 15)).toBe('192.168.15.0/24');
    expect(() => subnetCidr('10.0.0.0/16', 4, 16)).toThrow('10.0.0.0/16 has no subnet #16 of /20');
    expect(() => subnetCidr('nope', 4, 0)).toThrow('"nope" is not an IPv4 CIDR like 10.0.0.0/16');
  });
});
