/**
 * float16 sessions and what crosses the inference thread, on whichever Node runs the suite (CI
 * runs it on Node 24, which has Float16Array, and on Node 20 and 22, which do not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../scripts/onnx-writer/graph.js';
import { ModelSession, readFloat } from '../../src/pipeline/onnx-session.js';
import { ownBuffers } from '../../src/pipeline/thread-protocol.js';
import type { RgbImage } from '../../src/pipeline/types.js';

const root = mkdtempSync(join(tmpdir(), 'float16-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** y = 2·x + t in float16, computed in float32 inside. */
function doubler(): string {
  const g = new GraphBuilder('doubler');
  const x = g.input('x', 'float16', ['n']);
  const t = g.input('t', 'float16', [1]);
  const sum = g.op('Add', [g.op('Mul', [g.op('Cast', [x], { to: 1 }), g.constant(2)]), g.op('Cast', [t], { to: 1 })]);
  g.output(g.op('Cast', [sum], { to: 10 }), 'y', 'float16', ['n']);
  const file = join(root, 'doubler.onnx');
  g.save(file);
  return file;
}

describe(`float16 on Node ${process.versions.node} (${typeof (globalThis as { Float16Array?: unknown }).Float16Array === 'function' ? 'with' : 'without'} Float16Array)`, () => {
  it('feeds float16 inputs and reads float16 outputs as the numbers they hold', async () => {
    const session = await ModelSession.open(doubler());
    const x = Float32Array.from([0.5, -1.25, 3, 1000, 0.0001]);
    const result = await session.run({ x: session.floatTensor('x', x, [5]), t: session.numberTensor('t', [0.25], [1]) }, ['y'], undefined, 'test');
    const y = readFloat(result.y!);
    expect(y.dims).toEqual([5]);
    expect([...y.data].slice(0, 4)).toEqual([1.25, -2.25, 6.25, 2000]);
    // 2·0.0001 + 0.25 in half precision.
    expect(y.data[4]).toBeCloseTo(0.2502, 3);
    await session.release();
  });
});

describe('what crosses the inference thread', () => {
  const send = (images: RgbImage[]) => {
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<RgbImage[]>((resolve) => port2.once('message', resolve));
    port1.postMessage(images, ownBuffers(images));
    return got.finally(() => {
      port1.close();
      port2.close();
    });
  };

  it('moves pixels that sharp, a Buffer pool or a larger buffer hold, without a DataCloneError', async () => {
    // As lanczosResize hands sharp's output on: a Uint8Array over memory sharp allocated.
    const raw = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#336699' } }).raw().toBuffer();
    const fromSharp = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
    const pooled = Buffer.from([1, 2, 3, 4, 5, 6]);
    const big = new Uint8Array(100).fill(7);
    const images: RgbImage[] = [
      { width: 4, height: 3, data: fromSharp },
      { width: 2, height: 1, data: pooled },
      { width: 2, height: 2, data: big.subarray(10, 22) },
    ];
    const expected = images.map((i) => [...i.data]);
    const received = await send(images);
    expect(received.map((i) => [...i.data])).toEqual(expected);
    // What was not ours to move was copied: the pool and the larger buffer are still whole.
    expect([...pooled]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(big[50]).toBe(7);
  });

  it('moves a buffer of its own without copying it', async () => {
    const own = new Uint8Array(12).fill(9);
    const received = await send([{ width: 2, height: 2, data: own }]);
    expect([...received[0]!.data]).toEqual(new Array(12).fill(9));
    // Moved, not copied: the sender's view is detached.
    expect(own.byteLength).toBe(0);
  });
});
