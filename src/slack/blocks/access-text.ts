import type { Denial, GuardedAction } from '../../rollback/access';

/** What the user could not do, as the end of "No role may …" / "You need a role that may …". */
function what(action: GuardedAction): string {
  switch (action.kind) {
    case 'rollback':
      return `roll back ${action.target} (${action.environment})`;
    case 'approve':
      return `approve rollbacks of ${action.target} (${action.environment})`;
    case 'ack':
      return 'acknowledge alerts';
    case 'silence':
      return 'silence alerts';
    case 'declare':
      return 'declare an incident';
    case 'steer':
      return 'change this incident';
  }
}

/** Why a user may not do something, in words (plain text: callers escape or decorate it as their surface needs). */
export function denialText(d: Denial): string {
  const { action } = d;
  if (action.kind === 'steer') {
    const lead = action.lead ? ` (<@${action.lead}>)` : '';
    return `Only the incident's lead${lead} and role holders (or an incident admin) can change that.`;
  }
  if (action.kind === 'declare') {
    if (d.reason === 'directory_unavailable')
      return 'mogo could not check your Slack user groups just now; try again in a minute.';
    return `Declaring an incident needs a role with the declare permission (${d.roles.join(', ')}).`;
  }
  switch (d.reason) {
    case 'no_role':
      return `No role may ${what(action)}.`;
    case 'directory_unavailable':
      return `mogo could not check your Slack user groups just now, so it cannot let you ${what(action)}. Try again in a minute.`;
    case 'not_a_member':
      return `You need a role that may ${what(action)} (${d.roles.join(', ')}).`;
  }
}
