export { EdgeService } from './service';
export { CACHE_DIR, SERVER_PORT, METRICS_PORT } from './container';
export { resolveEdgeArgs } from './args';
export type { EdgeServiceArgs, EdgeImageBuild, EdgeImagePull, Dtype } from './args';
export { edgeArgProblems, SECRET_ENV } from './validate';
export { edgeCostEstimate } from './cost';
