import type { App } from '@slack/bolt';
import type { Logger } from '../../logger';
import type { AlertStore, ChatMessage } from '../../ports';
import { renderIncidentHelp, renderIncidentStatus } from '../blocks/incident-status';

export interface IncidentCommandDeps {
  alerts: AlertStore;
  logger: Logger;
}

/** `/incident <verb>`: answers privately (ephemeral) through the ack, well inside Slack's 3 seconds. */
export function registerIncidentCommand(app: App, deps: IncidentCommandDeps): void {
  const log = deps.logger.child({ module: 'incident-command' });
  app.command('/incident', async ({ ack, command }) => {
    const verb = command.text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    try {
      if (verb === 'status' || verb === '') {
        const open = await deps.alerts.listGroups({ status: 'firing', limit: 200 });
        await ack(ephemeral(renderIncidentStatus(open)));
        return;
      }
      if (verb === 'help') {
        await ack(ephemeral(renderIncidentHelp()));
        return;
      }
      const help = renderIncidentHelp();
      await ack(ephemeral({ text: `Unknown command \`${verb}\`.`, blocks: help.blocks }));
    } catch (err) {
      log.error({ err, verb }, '/incident failed');
      await ack({ response_type: 'ephemeral', text: 'mogo could not answer just now; please try again.' });
    }
  });
}

/** Block Kit JSON is built by our pure renderers as plain objects; Slack's types only need to be told. */
function ephemeral(m: ChatMessage) {
  return { response_type: 'ephemeral' as const, text: m.text, blocks: m.blocks as never[] };
}
