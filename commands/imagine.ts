import { UserError } from '../src/core/errors.js';
import type { CommandOutcome, Invocation } from '../src/core/invocation.js';
import { concat, md } from '../src/core/markup.js';
import { ASPECT_RATIOS, expandPermutations, imageStrength, MAX_JOBS_PER_REQUEST, readRequestOptions, REQUEST_OPTIONS, type RequestOptions } from '../src/core/parameters.js';
import { rgbToPng } from '../src/images/png.js';
import { decodeSourceImage } from '../src/images/source-image.js';
import { fitImage, IMAGE_PROMPT_LIMITS, loadImagePrompt, nearestAspectRatio } from '../src/jobs/image-prompts.js';
import { gridParams, pickModel, submitJob } from '../src/jobs/submit.js';
import { withPreferences } from '../src/core/preferences.js';
import { newJobId } from '../src/queue/job-id.js';
import type { Services } from '../src/services.js';
import type { Command } from './command.js';

/**
 * /imagine <prompt> [--params]: four images of the prompt, in a 2×2 grid; from a picture when one
 * is attached or linked. Permutations (`{red, blue} car`) and `--repeat N` make one job each, at
 * most MAX_JOBS_PER_REQUEST; the first answers the command, the others post messages of their own.
 */
export const imagineCommand: Command = {
  name: 'imagine',
  description: 'Create four images from a text prompt',
  options: [...REQUEST_OPTIONS],
  startsJob: true,
  async execute(inv, services) {
    const raw = inv.options.prompt;
    const prompts = typeof raw === 'string' ? expandPermutations(raw) : [raw];
    // The user's /settings fill what the prompt leaves out.
    const prefs = await services.settings.preferences(inv.serverId, inv.userId);
    const requests = prompts.flatMap((prompt) => {
      const request = withPreferences(readRequestOptions({ ...inv.options, prompt }), prefs);
      // Repeats of a fixed seed move on by a grid's worth, so each repeat is a new grid.
      return Array.from({ length: request.repeat ?? 1 }, (_, k) => (request.seed !== undefined && k > 0 ? { ...request, seed: request.seed + 4 * k } : request));
    });
    if (requests.length > MAX_JOBS_PER_REQUEST) {
      throw new UserError(md`That makes ${String(requests.length)} jobs (${String(prompts.length)} prompts × \`--repeat\`); at most ${String(MAX_JOBS_PER_REQUEST)} run at once.`, 'permutations');
    }
    const first = await imagineOne(inv, services, requests[0]!);
    if (requests.length === 1 || first.kind !== 'job') return first;
    // The other jobs report in messages of their own; one refused (a quota reached) stops the rest.
    let queued = 1;
    let stopped: UserError | undefined;
    for (const request of requests.slice(1)) {
      try {
        await imagineOne({ ...inv, delivery: inv.moreDelivery ?? inv.delivery }, services, request);
        queued++;
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        stopped = err;
        break;
      }
    }
    const note = stopped
      ? md`\n${String(queued)} of ${String(requests.length)} jobs queued; the rest were not: ${stopped.markup}`
      : requests.length === 2
        ? md`\n…and 1 more job, in its own message.`
        : md`\n…and ${String(requests.length - 1)} more jobs, each in its own message.`;
    return { ...first, reply: { ...first.reply, text: concat(first.reply.text, note) } };
  },
};

/** One grid: from the request alone, or from the picture it names. */
async function imagineOne(inv: Invocation, services: Services, request: RequestOptions): Promise<CommandOutcome> {
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
}
