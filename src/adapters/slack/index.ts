/**
 * The Slack adapter: `/imagine`, `/limits`, `/info`, `/cancel` and the result buttons in Slack,
 * through Bolt, on the shared command layer and queue. See app.ts for how events are handled.
 */
import { dispatch, parseCommandText, slashCommands } from '../../../commands/index.js';
import type { Services } from '../../core/command.js';
import { followJobs } from '../../core/job-updates.js';
import type { AdapterHandle } from '../types.js';
import { createSlackAdapter, type CommandLayer, type SlackAdapterOptions } from './app.js';

export { createSlackAdapter, type CommandLayer, type SlackAdapterHandle, type SlackAdapterOptions } from './app.js';

/** The command layer as production wires it. */
export const slackCommandLayer: CommandLayer = {
  commandNames: slashCommands.map((c) => c.name),
  parseCommandText,
  dispatch,
  followJobs,
};

/**
 * Starts the Slack adapter (Socket Mode when SLACK_APP_TOKEN is set, else the HTTP receiver on
 * SLACK_PORT); resolves once Slack accepted the tokens and the connection or listener is up.
 */
export function startSlack(services: Services, options?: SlackAdapterOptions): Promise<AdapterHandle> {
  return createSlackAdapter(services, slackCommandLayer, options);
}
