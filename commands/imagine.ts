import { REQUEST_OPTIONS, readRequestOptions } from '../src/core/parameters.js';
import { gridParams, pickModel, submitJob } from '../src/jobs/submit.js';
import type { Command } from './command.js';

/** /imagine <prompt> [--params]: four images of the prompt, in a 2×2 grid. */
export const imagineCommand: Command = {
  name: 'imagine',
  description: 'Create four images from a text prompt',
  options: [...REQUEST_OPTIONS],
  startsJob: true,
  async execute(inv, services) {
    const request = readRequestOptions(inv.options);
    const model = pickModel(services, request.model);
    const limits = await services.settings.get(inv.serverId);
    return submitJob(inv, services, 'imagine', gridParams(request, model, limits.negative_prompt));
  },
};
