import type { WebClient } from '@slack/web-api';
import { AppError } from '../errors';
import type { Directory } from '../ports';
import { slackError } from './chat';

/** The Directory port over Slack's usergroups.users.list (scope usergroups:read). Wrap it in a cache. */
export function createSlackDirectory(client: WebClient): Directory {
  return {
    async usergroupMembers(usergroup) {
      let r: Awaited<ReturnType<WebClient['usergroups']['users']['list']>>;
      try {
        r = await client.usergroups.users.list({ usergroup });
      } catch (e) {
        throw slackError('usergroups.users.list', e);
      }
      if (!Array.isArray(r.users))
        throw new AppError('SLACK_REQUEST_FAILED', 'usergroups.users.list: no users');
      return r.users;
    },
  };
}
