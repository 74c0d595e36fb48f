import { UserError } from '../src/core/errors.js';
import { md } from '../src/core/markup.js';
import { ASPECT_RATIOS, REQUEST_OPTIONS, imageStrength, readRequestOptions } from '../src/core/parameters.js';
import { rgbToPng } from '../src/images/png.js';
import { decodeSourceImage } from '../src/images/source-image.js';
import { fitImage, IMAGE_PROMPT_LIMITS, loadImagePrompt, nearestAspectRatio } from '../src/jobs/image-prompts.js';
import { gridParams, pickModel, submitJob } from '../src/jobs/submit.js';
import { newJobId } from '../src/queue/job-id.js';
import type { Command } from './command.js';

/** /imagine <prompt> [--params]: four images of the prompt, in a 2×2 grid; from a picture when one is attached or linked. */
export const imagineCommand: Command = {
  name: 'imagine',
  description: 'Create four images from a text prompt',
  options: [...REQUEST_OPTIONS],
  startsJob: true,
  async execute(inv, services) {
    const request = readRequestOptions(inv.options);
    const model = pickModel(services, request.model);
    const limits = await services.settings.get(inv.serverId);
    const link = request.images?.[0];
    if (!link) return submitJob(inv, services, 'imagine', gridParams(request, model, limits.negative_prompt));

    if (!limits.image_prompts) throw new UserError('Image prompts are turned off on this server; send the prompt without a picture.', 'image-prompts');
    if (!model.canImg2Img) throw new UserError(md`The model \`${model.name}\` cannot start from a picture (it has no VAE encoder); pick another with \`--model\`.`, 'image-prompts');
    // A picture uploaded with the command (the playground) is read as it is; a link is fetched under the rules.
    const picture =
      link.startsWith('upload:') && inv.files?.image
        ? await decodeSourceImage(inv.files.image, { maxPixels: IMAGE_PROMPT_LIMITS.maxPixels })
        : await loadImagePrompt(link, { platform: inv.platform, extraHosts: services.config.IMAGE_HOSTS, slackToken: services.config.SLACK_BOT_TOKEN, slackApiUrl: services.config.SLACK_API_URL });
    // Without --ar the grid takes the picture's own shape (the nearest one offered).
    const params = gridParams({ ...request, aspectRatio: request.aspectRatio ?? nearestAspectRatio(picture.width, picture.height, ASPECT_RATIOS) }, model, limits.negative_prompt);
    // Stored under the job's id before it is queued, so it lives (and expires) with the job.
    const id = newJobId();
    const key = `${id}/source.png`;
    await services.images.put(key, await rgbToPng(await fitImage(picture, params.width, params.height)));
    try {
      return await submitJob(inv, services, 'imagine', { ...params, init: { image: key, strength: imageStrength(request) } }, id);
    } catch (err) {
      await services.images.deletePrefix(`${id}/`);
      throw err;
    }
  },
};
