import * as pulumi from '@pulumi/pulumi';
import { deployExample } from './example';

const config = new pulumi.Config();
const cluster = config.get('cluster') ?? 'existing';
if (cluster !== 'existing' && cluster !== 'eks') {
  throw new pulumi.RunError(`cluster = ${JSON.stringify(cluster)}: must be existing or eks`);
}
const kubeconfig = config.getSecret('kubeconfig');
const model = config.get('model');
const apiKey = config.getSecret('apiKey');

const outputs = deployExample({
  image: config.require('image'),
  cluster,
  ...(kubeconfig ? { kubeconfig } : {}),
  awsRegion: config.get('awsRegion') ?? 'us-east-1',
  ...(model ? { model } : {}),
  ...(apiKey ? { apiKeys: [apiKey] } : {}),
});

export const endpoint = outputs.endpoint;
export const openaiBaseUrl = outputs.openaiBaseUrl;
export const namespace = outputs.namespace;
export const clusterName = outputs.clusterName;
