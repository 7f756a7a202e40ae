/**
 * The Pulumi program (Pulumi.yaml `main`). Config errors throw before any resource is declared,
 * as one message without a stack trace.
 */
import { readStackConfig } from './config';
import { deployStack } from './program';

const outputs = deployStack(readStackConfig());

export const endpoint = outputs.endpoint;
export const openaiBaseUrl = outputs.openaiBaseUrl;
export const playgroundUrl = outputs.playgroundUrl;
export const image = outputs.image;
export const imageDigest = outputs.imageDigest;
export const namespace = outputs.namespace;
export const clusterName = outputs.clusterName;
export const costEstimate = outputs.costEstimate;
