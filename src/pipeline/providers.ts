/**
 * Execution providers: the ones the bot can be asked for (PIPELINE_DEVICE), and the operators only
 * some of them run. No onnxruntime here, so the config and the model-folder reader stay light.
 */

export type Device = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/**
 * Operators of onnxruntime's com.microsoft domain that only a GPU execution provider implements:
 * what CUDA-optimised Stable Diffusion exports (Olive's) fuse their UNets and VAEs into.
 */
const GPU_ONLY_OPS: Record<string, Device> = {
  GroupNorm: 'cuda',
  SkipGroupNorm: 'cuda',
  NhwcConv: 'cuda',
  BiasSplitGelu: 'cuda',
  BiasAdd: 'cuda',
  PackedAttention: 'cuda',
  PackedMultiHeadAttention: 'cuda',
};

/** Of a graph's operators (as `domain:OpType`), those only a GPU execution provider runs, with the provider. */
export function gpuOnlyOps(ops: readonly string[]): { op: string; provider: Device }[] {
  return ops.flatMap((o) => {
    const [domain, name] = o.split(':') as [string, string];
    const provider = domain === 'com.microsoft' ? GPU_ONLY_OPS[name] : undefined;
    return provider ? [{ op: name, provider }] : [];
  });
}
