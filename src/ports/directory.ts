/**
 * Who belongs to a Slack user group. Rollback roles name user groups; access is decided on the members Slack
 * reports now (cached briefly), never on anything in the click's payload.
 */
export interface Directory {
  usergroupMembers(usergroupId: string): Promise<string[]>;
}
