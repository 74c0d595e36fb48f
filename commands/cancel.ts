import { UserError } from '../src/core/errors.js';
import { replyOf, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import type { Services } from '../src/services.js';
import { md } from '../src/core/markup.js';
import type { Command } from './command.js';

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** /cancel [job]: stops the user's newest queued or running job, or the named one (admins: anyone's here). */
export const cancelCommand: Command = {
  name: 'cancel',
  description: 'Cancel your newest queued or running job, or the one named',
  options: [{ name: 'job', description: 'Job id (default: your newest)', type: 'string', required: false, maxLength: 64 }],

  async execute(inv, services) {
    let id = String(inv.options.job ?? '').trim();
    if (id !== '' && !JOB_ID.test(id)) throw new UserError(md`Usage: \`/cancel\` (your newest job) or \`/cancel <job id>\` (ids are shown by \`/info\`).`, 'usage');
    if (id === '') {
      const mine = await services.jobs.listForUser(inv.serverId, inv.userId, ['queued', 'running']);
      const newest = mine.at(-1);
      if (!newest) return replyOf('You have no queued or running jobs.', true);
      id = newest.id;
    }
    return cancelJob(inv, services, id);
  },
};

/** Cancels a job for /cancel and the ✖ Cancel button: its requester or a server admin; the answer is private. */
export async function cancelJob(inv: Invocation, services: Services, id: string): Promise<CommandOutcome> {
  const result = await services.queue.cancel(id, { userId: inv.userId, serverId: inv.serverId, isServerAdmin: inv.isServerAdmin });
  switch (result) {
    case 'cancelled':
      return replyOf(md`Cancelled \`${id}\`.`, true);
    case 'finished':
      return replyOf(md`\`${id}\` has already finished.`, true);
    case 'not-allowed':
      return replyOf(md`Only the person who asked for \`${id}\` or a server admin can cancel it.`, true);
    case 'not-found':
      return replyOf(md`There is no job \`${id}\`; \`/info\` lists yours.`, true);
  }
}
