import { UserError } from '../src/core/errors.js';
import { md } from '../src/core/markup.js';
import { textReply } from '../src/core/reply.js';
import type { MessageActionSpec } from '../src/core/command.js';
import type { CommandOutcome, Invocation } from '../src/core/invocation.js';
import type { Services } from '../src/services.js';
import { MAX_PROMPT_LENGTH } from '../src/core/parameters.js';

/** An action on a message (src/core/command.ts) and what it does. */
export interface MessageAction extends MessageActionSpec {
  execute(invocation: Invocation, services: Services): Promise<CommandOutcome>;
}

/**
 * "Imagine from this image" on any message with a picture: a form for the prompt and the strength,
 * whose answers run /imagine from that picture.
 */
export const imagineFromImage: MessageAction = {
  id: 'imagine-from-image',
  label: 'Imagine from this image',
  description: 'Make four new images starting from the picture in this message',

  async execute(inv, services) {
    const image = inv.message?.images[0];
    if (!image) throw new UserError('That message has no picture. Use this on a message with an image (PNG, JPEG, WebP or GIF) attached.', 'image-prompts');
    const limits = await services.settings.get(inv.serverId);
    if (!limits.image_prompts) throw new UserError('Image prompts are turned off on this server.', 'image-prompts');
    return {
      kind: 'form',
      form: {
        title: 'Imagine from this image',
        submitLabel: 'Imagine',
        command: 'imagine',
        options: { image },
        fields: [
          { name: 'prompt', label: 'Prompt', style: 'paragraph', required: true, maxLength: MAX_PROMPT_LENGTH, placeholder: 'What to make of the picture, e.g. a watercolor painting --ar 3:2' },
          { name: 'strength', label: 'Strength, 0–1 (how far from the picture)', style: 'short', required: false, maxLength: 5, placeholder: '0.75 (0 keeps the picture, 1 ignores it)' },
        ],
      },
      reply: textReply(md`Use \`/imagine\` with the picture attached, or its link at the start of the prompt.`),
    };
  },
};
