/**
 * Block Kit for the fake Slack: the checks Slack makes on the blocks of a message (answered with
 * invalid_blocks when they fail), and finding a button in blocks.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Block = Record<string, any>;

/** Block Kit checks with Slack's documented limits; returns the errors Slack would list. */
export function blockErrors(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const errors: string[] = [];
  if (blocks.length > 50) errors.push('no more than 50 items allowed [json-pointer:/blocks]');
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  blocks.forEach((block: Block, i) => {
    const at = `[json-pointer:/blocks/${i}]`;
    if (typeof block !== 'object' || block === null) return errors.push(`must be an object ${at}`);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255) errors.push(`invalid block_id ${at}`);
      else if (blockIds.has(block.block_id)) errors.push(`duplicate block_id ${at}`);
      else blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        const t = block.text;
        if (!t || (t.type !== 'mrkdwn' && t.type !== 'plain_text') || typeof t.text !== 'string' || t.text.length === 0) {
          errors.push(`must provide a text object ${at}`);
        } else if (t.text.length > 3000) errors.push(`must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`);
        break;
      }
      case 'context': {
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) errors.push(`context needs 1 to 10 elements ${at}`);
        break;
      }
      case 'divider':
        break;
      case 'image': {
        if (typeof block.alt_text !== 'string' || block.alt_text.length > 2000) errors.push(`must provide alt_text ${at}`);
        if (!block.image_url && !block.slack_file) errors.push(`must provide image_url or slack_file ${at}`);
        break;
      }
      case 'actions': {
        const els = block.elements;
        if (!Array.isArray(els) || els.length === 0) {
          errors.push(`must provide elements ${at}`);
          break;
        }
        if (els.length > 25) errors.push(`no more than 25 items allowed [json-pointer:/blocks/${i}/elements]`);
        els.forEach((el: Block, j: number) => {
          const eat = `[json-pointer:/blocks/${i}/elements/${j}]`;
          if (el.type === 'static_select') {
            if (typeof el.action_id !== 'string' || el.action_id.length === 0 || el.action_id.length > 255) errors.push(`invalid action_id ${eat}`);
            else if (actionIds.has(el.action_id)) errors.push(`duplicate action_id ${eat}`);
            else actionIds.add(el.action_id);
            if (!el.placeholder || el.placeholder.type !== 'plain_text' || typeof el.placeholder.text !== 'string' || el.placeholder.text.length > 150) errors.push(`placeholder must be plain_text of at most 150 characters ${eat}`);
            const options: Block[] = Array.isArray(el.options) ? el.options : [];
            if (options.length < 1 || options.length > 100) errors.push(`a static_select has 1 to 100 options ${eat}`);
            for (const o of options) {
              if (o.text?.type !== 'plain_text' || typeof o.text.text !== 'string' || o.text.text.length < 1 || o.text.text.length > 75) errors.push(`option text must be plain_text of 1 to 75 characters ${eat}`);
              if (typeof o.value !== 'string' || o.value.length < 1 || o.value.length > 150) errors.push(`option value must be 1 to 150 characters ${eat}`);
            }
            if (el.initial_option !== undefined && !options.some((o) => o.value === el.initial_option.value && o.text?.text === el.initial_option.text?.text)) errors.push(`initial_option must be one of the options ${eat}`);
            return;
          }
          if (el.type !== 'button') return errors.push(`unsupported element type ${eat}`);
          if (!el.text || el.text.type !== 'plain_text' || typeof el.text.text !== 'string' || el.text.text.length === 0) {
            errors.push(`button needs plain_text text ${eat}`);
          } else if (el.text.text.length > 75) errors.push(`must be less than 76 characters [json-pointer:/blocks/${i}/elements/${j}/text/text]`);
          if (typeof el.action_id !== 'string' || el.action_id.length === 0 || el.action_id.length > 255) errors.push(`invalid action_id ${eat}`);
          else if (actionIds.has(el.action_id)) errors.push(`duplicate action_id ${eat}`);
          else actionIds.add(el.action_id);
          if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > 2000)) errors.push(`invalid value ${eat}`);
          if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') errors.push(`invalid style ${eat}`);
          const known = new Set(['type', 'text', 'action_id', 'value', 'style', 'url', 'confirm', 'accessibility_label']);
          for (const key of Object.keys(el)) if (!known.has(key)) errors.push(`unknown field ${key} ${eat}`);
        });
        break;
      }
      default:
        errors.push(`unsupported block type ${String(block.type)} ${at}`);
    }
  });
  return errors;
}

/** The select menu with this action_id in the actions blocks, if any. */
export function findSelect(blocks: Block[], actionId: string): Block | undefined {
  for (const b of blocks) if (b.type === 'actions') for (const el of b.elements as Block[]) if (el.type === 'static_select' && el.action_id === actionId) return el;
  return undefined;
}

/** The button with this action_id in the actions blocks, if any. */
export function findButton(blocks: Block[], actionId: string): Block | undefined {
  for (const b of blocks) if (b.type === 'actions') for (const el of b.elements as Block[]) if (el.action_id === actionId) return el;
  return undefined;
}

/** A modal view checked as views.open checks it (Slack's documented limits); returns the errors. */
export function viewErrors(view: Block | undefined): string[] {
  if (!view || typeof view !== 'object') return ['view must be an object'];
  const errors: string[] = [];
  const plain = (t: Block | undefined, max: number, what: string) => {
    if (!t || t.type !== 'plain_text' || typeof t.text !== 'string' || t.text.length === 0) errors.push(`${what} must be a plain_text object`);
    else if (t.text.length > max) errors.push(`${what} must be at most ${max} characters`);
  };
  if (view.type !== 'modal') errors.push('only modal views are supported by this fake');
  plain(view.title, 24, 'title');
  if (view.submit !== undefined) plain(view.submit, 24, 'submit');
  if (view.close !== undefined) plain(view.close, 24, 'close');
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)) errors.push('private_metadata must be at most 3000 characters');
  if (view.callback_id !== undefined && (typeof view.callback_id !== 'string' || view.callback_id.length > 255)) errors.push('callback_id must be at most 255 characters');
  const blocks: Block[] = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.length === 0 || blocks.length > 100) errors.push('a view has 1 to 100 blocks');
  const inputs = blocks.filter((b) => b.type === 'input');
  if (inputs.length && view.submit === undefined) errors.push('a view with inputs needs a submit button');
  errors.push(...blockErrors(blocks.filter((b) => b.type !== 'input')));
  const ids = new Set<string>();
  inputs.forEach((b, i) => {
    const at = `[json-pointer:/view/blocks/${i}]`;
    plain(b.label, 2000, `label ${at}`);
    if (typeof b.block_id === 'string') {
      if (ids.has(b.block_id)) errors.push(`duplicate block_id ${at}`);
      ids.add(b.block_id);
    }
    const el = b.element;
    if (!el || el.type !== 'plain_text_input') return errors.push(`only plain_text_input elements are supported by this fake ${at}`);
    if (typeof el.action_id !== 'string' || el.action_id.length === 0 || el.action_id.length > 255) errors.push(`invalid action_id ${at}`);
    if (el.placeholder !== undefined) plain(el.placeholder, 150, `placeholder ${at}`);
    if (el.max_length !== undefined && !(Number.isInteger(el.max_length) && el.max_length >= 1 && el.max_length <= 3000)) errors.push(`max_length must be 1 to 3000 ${at}`);
    if (el.initial_value !== undefined && typeof el.initial_value !== 'string') errors.push(`initial_value must be a string ${at}`);
  });
  return errors;
}
