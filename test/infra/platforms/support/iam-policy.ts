/** Reads IAM policy documents and finds grants of every action on every resource. */

export interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** `*`, `service:*`, or any NotAction (which grants all actions but a few). */
function isWildcardAction(statement: Statement): boolean {
  if (statement.NotAction !== undefined) return true;
  return list(statement.Action).some((action) => action === '*' || /^[a-z0-9-]+:\*$/i.test(action));
}

function isWildcardResource(statement: Statement): boolean {
  if (statement.NotResource !== undefined) return true;
  return list(statement.Resource).includes('*');
}

/** Descriptions of Allow statements granting a wildcard action on a wildcard resource. */
export function wildcardGrants(document: PolicyDocument): string[] {
  return document.Statement.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Principal === undefined &&
      isWildcardAction(statement) &&
      isWildcardResource(statement),
  ).map((statement) => JSON.stringify(statement));
}

export const actionsOf = (statement: Statement): string[] => list(statement.Action);
export const resourcesOf = (statement: Statement): string[] => list(statement.Resource);
