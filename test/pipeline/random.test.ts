import { describe, expect, it } from 'vitest';
import { createTorchGenerator, Mt19937, torchRandn } from '../../src/pipeline/random.js';

const round4 = (a: Float32Array) => Array.from(a, (v) => Math.round(v * 1e4) / 1e4);

describe('torchRandn reproduces torch.manual_seed(s); torch.randn(shape) on CPU', () => {
  it('MT19937 gives the reference first outputs for seed 5489', () => {
    // The C++ standard requires the 10000th output of a default-seeded mt19937 to be 4123659995.
    const mt = new Mt19937(5489);
    let v = 0;
    for (let i = 0; i < 10000; i++) v = mt.next();
    expect(v).toBe(4123659995);
  });

  it('16 values (the vectorised Box–Muller block): torch.manual_seed(0); torch.randn(4, 4)', () => {
    // Published e.g. in kornia's CenterCrop docstring (torch.manual_seed(0); torch.randn(1, 1, 4, 4)).
    expect(round4(torchRandn(0, [1, 1, 4, 4]))).toEqual([
      -1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152, 0.3223, -1.2633, 0.35, 0.3081, 0.1198, 1.2377, 1.1168, -0.2473,
    ]);
    expect(round4(torchRandn(0, [16]))).toEqual(round4(torchRandn(0, [4, 4])));
  });

  it('fewer than 16 values use the scalar path: torch.manual_seed(0); torch.randn(2, 3) and seed 42', () => {
    expect(round4(torchRandn(0, [2, 3]))).toEqual([1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986]);
    expect(round4(torchRandn(42, [2, 3]))).toEqual([0.3367, 0.1288, 0.2345, 0.2303, -1.1229, -0.1863]);
  });

  it('a size that is not a multiple of 16 recomputes its last block: torch.manual_seed(0); torch.randn(4, 5)', () => {
    expect(round4(torchRandn(0, [4, 5]))).toEqual([
      -1.1258, -1.1524, -0.2506, -0.4339, 0.5988, -1.5551, -0.3414, 1.853, 0.4681, -0.1577, 1.4437, 0.266, 1.3894, 1.5863, 0.9463, -0.8437, 0.9318,
      1.259, 2.005, 0.0537,
    ]);
  });

  it('a generator continues its stream across calls like a seeded torch.Generator', () => {
    // torch.manual_seed(0); X = torch.randn(10, 4); W = torch.randn(4, 4); Y = torch.randn(10, 4) (a published worked example).
    const g = createTorchGenerator(0);
    const x = round4(g.randn([10, 4]));
    const w = round4(g.randn([4, 4]));
    const y = round4(g.randn([10, 4]));
    expect(x.slice(32)).toEqual([1.2032, 0.0845, -1.2001, -0.0048, -0.5181, -0.3067, -1.581, 1.7066]);
    expect(w).toEqual([0.2055, -0.4503, -0.5731, -0.5554, 0.5943, 1.5419, 0.5073, -0.591, -1.3253, 0.1886, -0.0691, -0.4949, -1.4959, -0.1938, 0.4455, 1.3253]);
    expect(y.slice(0, 8)).toEqual([1.5091, 2.082, 1.7067, 2.3804, -1.1256, -0.317, -1.0925, -0.0852]);
    expect(y.slice(36)).toEqual([0.1239, 1.1648, 0.9234, 1.3873]);
  });

  it('keeps the spare scalar normal for the next small draw, as torch caches it', () => {
    const g = createTorchGenerator(0);
    expect(round4(g.randn([3]))).toEqual([1.541, -0.2934, -2.1788]);
    expect(round4(g.randn([3]))).toEqual([0.5684, -1.0845, -1.3986]);
  });

  it('accepts bigint seeds and uses their low 32 bits as torch does', () => {
    expect(torchRandn(2n ** 32n + 7n, [20])).toEqual(torchRandn(7, [20]));
    expect(torchRandn(1, [64])).not.toEqual(torchRandn(2, [64]));
  });
});
