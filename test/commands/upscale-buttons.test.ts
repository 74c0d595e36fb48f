/**
 * U1–U4 and Upscale 2×/4× on the default model, through the command layer, queue and pipeline
 * worker as the bot runs them: the pictures come from the shipped trained upscalers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/index.js';
import { DEFAULT_UPSCALERS_DIR, upscalerFilesIn } from '../../src/config.js';
import type { Invocation } from '../../src/core/invocation.js';
import { decodeToRgb } from '../../src/images/png.js';
import { lanczosResize, Upscaler } from '../../src/pipeline/upscale.js';
import { finishedJob, pressButton } from '../fixtures/flow.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';

let t: TestServices;
let upscaler: Upscaler;
beforeAll(async () => {
  t = await createTestServices({ model: 'default', limits: { user_requests_per_minute: 0, user_max_queued: 10 } });
  upscaler = await Upscaler.open(upscalerFilesIn(DEFAULT_UPSCALERS_DIR));
}, 60_000);
afterAll(async () => {
  await upscaler?.release();
  await t?.close();
});

const user = { platform: 'web', serverId: 'srv', channelId: 'general', userId: 'ann', userName: 'ann', isServerAdmin: false, admins: 'anyone on this machine' } satisfies Omit<Invocation, 'command' | 'options'>;
const picture = async (key: string) => decodeToRgb(await t.services.images.get(key));

describe('upscale buttons on the default model', () => {
  it('U3 is the trained ×2 model\'s picture of image 3, shown enlarged by the ×4 model; Upscale 4× under it is the ×4 model\'s', async () => {
    const grid = await finishedJob(t.services, await dispatch({ ...user, command: 'imagine', options: { prompt: 'cat face --seed 3' } }, t.services));
    const source = await picture(grid.output!.images[2]!);

    const u3 = await finishedJob(t.services, await pressButton(t.services, grid, 'U3', user));
    const two = await picture(u3.output!.images[0]!);
    expect([two.width, two.height]).toEqual([128, 128]);
    expect(two.data).toEqual((await upscaler.upscale(source, 2)).data);
    // Not what Lanczos makes of it.
    expect(two.data).not.toEqual((await lanczosResize(source, 128, 128)).data);
    // Chat shows it at 512 pixels: that copy comes from the ×4 model too, not from a resize that would blur it again.
    const shown = await picture(u3.output!.preview!);
    expect([shown.width, shown.height]).toEqual([512, 512]);
    expect(shown.data).toEqual((await upscaler.upscale(two, 4)).data);

    const up4 = await finishedJob(t.services, await pressButton(t.services, u3, 'Upscale 4×', user));
    const four = await picture(up4.output!.images[0]!);
    expect([four.width, four.height]).toEqual([512, 512]);
    expect(four.data).toEqual((await upscaler.upscale(two, 4)).data);
  }, 120_000);
});
