import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SUBCOMMANDS } from '../../src/slack/commands/subcommands';
import { ROOT, srcMatches } from '../helpers/src-files';

/** The Slack Web API methods the code calls through the WebClient (client.<family>.<method>(…)). */
const methodsCalled = () => new Set(srcMatches(/\bclient\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g));

/** The Events API events the code listens to (app.event('<type>', …)). */
const eventsHandled = () => new Set(srcMatches(/\bapp\.event\('([a-z_]+)'/g));

/** The bot scope each method needs (https://api.slack.com/methods). */
const SCOPE_OF: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'views.open': [],
  'views.update': [],
  'usergroups.users.list': ['usergroups:read'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.rename': ['channels:manage', 'groups:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.list': ['channels:read', 'groups:read'],
  'auth.test': [],
  'pins.add': ['pins:write'],
  'bookmarks.add': ['bookmarks:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};

/** The scopes of the events mogo subscribes to (https://api.slack.com/events). */
const EVENT_SCOPES: Record<string, string[]> = {
  reaction_added: ['reactions:read'],
  pin_added: ['pins:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
};

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8'));
  const scopes: string[] = manifest.oauth_config.scopes.bot;

  it('asks for exactly the scopes the code needs', () => {
    const called = [...methodsCalled()].sort();
    expect(called.filter((m) => !(m in SCOPE_OF))).toEqual([]); // a new method: add its scope here and there
    const needed = new Set(called.flatMap((m) => SCOPE_OF[m]!));
    needed.add('commands'); // /incident
    needed.add('chat:write.public'); // posting to public channels mogo was not invited to
    const events: string[] = manifest.settings.event_subscriptions?.bot_events ?? [];
    expect([...events].sort()).toEqual(Object.keys(EVENT_SCOPES).sort());
    for (const e of events) for (const scope of EVENT_SCOPES[e]!) needed.add(scope);
    expect([...scopes].sort()).toEqual([...needed].sort());
  });

  it('subscribes to exactly the events the code handles', () => {
    const events: string[] = manifest.settings.event_subscriptions?.bot_events ?? [];
    expect([...events].sort()).toEqual([...eventsHandled()].sort());
  });

  it('describes /incident with exactly the subcommands that exist, in help order', () => {
    const incident = manifest.features.slash_commands.find(
      (c: { command: string }) => c.command === '/incident',
    );
    expect(incident.usage_hint).toBe(SUBCOMMANDS.map((s) => s.name).join(' | '));
  });
});
