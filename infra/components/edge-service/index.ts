export { EdgeService } from './service';
export { CACHE_DIR, SERVER_PORT, METRICS_PORT } from './container';
export { resolveEdgeArgs } from './args';
export type { EdgeServiceArgs, EdgeImageBuild, EdgeImagePull } from './args';
export type { Dtype } from '../../model';
export { edgeArgProblems, SECRET_ENV } from './validate';
export { edgeCostEstimate } from './cost';
