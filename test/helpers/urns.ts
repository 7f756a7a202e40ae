/**
 * Resources' URNs and aliases as the Pulumi engine computes them, from what a program sends it.
 * The mock monitor's own URNs name only a resource's direct parent type (`B$C`), where the
 * engine names the whole chain (`A$B$C`), and it ignores aliases; an update keeps a resource
 * whose old URN is its URN or one of these aliases.
 */
const ROOT_STACK_TYPE = 'pulumi:pulumi:Stack';

/** An alias as a program declares it (the engine's `Alias`: a URN or a spec). */
export interface AliasSpec {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  /** The mock monitor's URN of the alias's parent. */
  parentUrn?: string;
  noParent?: boolean;
}

/** One resource as the engine sees it. */
export interface Registration {
  urn: string;
  /** Every URN the engine would take as this resource's old one. */
  aliases: string[];
  type: string;
  name: string;
}

const qualifiedType = (urn: string) => urn.split('::')[2];
const nameOf = (urn: string) => urn.split('::').slice(3).join('::');

function newUrn(stack: string, project: string, parentUrn: string, type: string, name: string) {
  const parentType = parentUrn ? qualifiedType(parentUrn) : '';
  const full = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${full}::${name}`;
}

/** Turns the requests a program sends into engine URNs and the aliases that reach them. */
export class UrnTracker {
  readonly registrations: Registration[] = [];
  /** Mock URN -> engine URN, and engine URN -> its aliases. */
  private readonly engineUrn = new Map<string, string>();
  private readonly aliasesOf = new Map<string, string[]>();

  constructor(
    private readonly stack: string,
    private readonly project: string,
  ) {}

  /** Call with the request, before the mock monitor answers it with `mockUrn`. */
  register(mockUrn: string, type: string, name: string, mockParent: string, specs: AliasSpec[]) {
    const parent = mockParent ? this.engineUrn.get(mockParent)! : '';
    const urn = newUrn(this.stack, this.project, parent, type, name);
    const collapse = (a: AliasSpec) =>
      a.urn ??
      newUrn(
        a.stack || this.stack,
        a.project || this.project,
        a.noParent ? '' : a.parentUrn ? this.engineUrn.get(a.parentUrn)! : parent,
        a.type || type,
        a.name || name,
      );
    const own = specs.map(collapse);
    // A parent's aliases carry over to its children, renamed where a child's name starts with
    // the parent's (`llm-prod-addons-keda` under `llm-prod-addons`, formerly `addons`).
    const inherited = (this.aliasesOf.get(parent) ?? []).flatMap((parentAlias) =>
      [urn, ...own].map((child) => {
        const childName = nameOf(child);
        const parentName = nameOf(parent);
        const aliasName = childName.startsWith(parentName)
          ? nameOf(parentAlias) + childName.slice(parentName.length)
          : childName;
        const [, aliasStack, aliasProject] = parentAlias.match(/^urn:pulumi:(.*?)::(.*?)::/)!;
        const childType = qualifiedType(child).split('$').pop()!;
        return newUrn(aliasStack, aliasProject, parentAlias, childType, aliasName);
      }),
    );
    const aliases = [...new Set([...own, ...inherited])];
    this.engineUrn.set(mockUrn, urn);
    this.aliasesOf.set(urn, aliases);
    this.registrations.push({ urn, aliases, type, name });
  }
}
