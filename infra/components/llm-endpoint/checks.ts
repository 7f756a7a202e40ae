// When LlmEndpoint's args are checked: the plain ones as the component is constructed (it
// throws, declaring nothing); a rule that reads an Input once the value is known (the Output
// fails, and with it the deployment of the objects built from it).
import * as pulumi from '@pulumi/pulumi';
import {
  assertNoProblems,
  PlatformArgsError,
  type ServiceField,
  type ServiceProblem,
} from '../../model';
import type { LlmEndpointArgs } from './args';
import { endpointSettings, type EndpointSettings } from './settings';
import { endpointProblems } from './validate';

const waits = (problem: ServiceProblem, pending: ReadonlySet<ServiceField>) =>
  problem.reads.some((field) => pending.has(field));

/** The endpoint's settings; throws `PlatformArgsError` listing every problem of the plain args. */
export function checkedEndpointSettings(name: string, args: LlmEndpointArgs): EndpointSettings {
  const component = `LlmEndpoint ${name}`;
  const extras = {
    allowAnonymous: args.allowAnonymous ?? false,
    prometheusUrlSet: args.scaling?.prometheusUrl !== undefined,
    addons: args.addons,
  };
  const settings = endpointSettings(name, args, (resolved, pending) =>
    assertNoProblems(
      component,
      endpointProblems(resolved, extras).filter((p) => waits(p, pending)),
    ),
  );
  assertNoProblems(
    component,
    endpointProblems(settings.shape, extras).filter((p) => !waits(p, settings.pending)),
  );
  return settings;
}

/** API keys one per line (the server's API_KEYS_FILE format), a secret, checked unechoed. */
export function apiKeysFile(
  name: string,
  keys: pulumi.Input<pulumi.Input<string>[]>,
): pulumi.Output<string> {
  return pulumi.secret(keys).apply((list) => {
    const bad = list.findIndex((key) => typeof key !== 'string' || !/^[^\s,]+$/.test(key));
    if (list.length > 0 && bad < 0) return list.join('\n');
    const field = list.length === 0 ? 'secrets.apiKeys' : `secrets.apiKeys[${bad}]`;
    const why = list.length === 0 ? 'is an empty list' : 'is empty or holds a space or comma';
    throw new PlatformArgsError(`LlmEndpoint ${name}`, [
      { field, value: '[secret]', why, fix: 'pass keys without spaces or commas' },
    ]);
  });
}
