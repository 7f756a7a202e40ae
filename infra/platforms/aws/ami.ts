/** Which EKS-optimized AMI a node group runs: plain functions, no SDK, so config can use them. */

/** Graviton families carry a `g` after the generation digit: m7g, c7gn, t4g, g5g. */
export function isArmInstanceType(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType);
}

/** The EKS-optimized Amazon Linux 2023 AMI for a node group: NVIDIA variant for GPU nodes. */
export function amiTypeFor(instanceTypes: string[], gpu: boolean): string {
  const arch = instanceTypes.some(isArmInstanceType) ? 'ARM_64' : 'x86_64';
  return `AL2023_${arch}_${gpu ? 'NVIDIA' : 'STANDARD'}`;
}
