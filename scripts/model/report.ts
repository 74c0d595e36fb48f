/** What `model check` and `model list` print. */
import { formatBytes } from '../../src/hub/pull.js';
import { familyLabel, type ModelCheckReport } from '../../src/pipeline/model-check.js';
import type { OnnxTensorInfo } from '../../src/pipeline/onnx-metadata.js';

const tensor = (t: OnnxTensorInfo) => `${t.name} ${t.type} [${t.shape.map((d) => (d === '' ? '?' : d)).join(', ')}]`;

export function formatCheck(r: ModelCheckReport, upscalers: readonly string[]): string {
  const out: string[] = [`Model folder: ${r.dir}`];
  const m = r.model;
  if (m) {
    out.push(
      `Name: ${m.name}${m.description ? ` (${m.description})` : ''}`,
      `Family: ${familyLabel(m)} (${m.pipelineClass})`,
      `Export: ${m.exportGeneration}`,
      `Native size: ${m.defaults.width}×${m.defaults.height}; sizes ${m.limits.fixedSize ? `fixed at ${m.limits.fixedSize.width}×${m.limits.fixedSize.height}` : `${m.limits.minSize}–${m.limits.maxSize} px, up to ${(m.limits.maxPixels / 1e6).toFixed(2)} MP`}`,
      `Defaults: ${m.defaults.steps} ${m.defaults.steps === 1 ? 'step' : 'steps'}, guidance ${m.defaults.guidance}, sampler ${m.defaults.scheduler}`,
      `Can do: text to image yes · img2img (variations, zoom) ${m.canImg2Img ? 'yes' : 'no'} · inpainting ${m.canInpaint ? 'yes' : 'no'} · upscale ${upscalers.length ? `yes (${upscalers.length} trained model${upscalers.length === 1 ? '' : 's'})` : 'yes (Lanczos)'}`,
      `Live previews: ${{ vae_approx: 'the Tiny AutoEncoder in vae_approx/', vae: 'its own VAE decoder (small enough)', linear: 'the linear latent→RGB map (add a TAESD decoder as vae_approx/model.onnx for sharper ones)' }[m.previewDecoder]}`,
    );
  }
  if (r.sessions.length) {
    out.push('Sessions:');
    for (const s of r.sessions) {
      out.push(`  ${s.rel} (${formatBytes(s.bytes)}${s.meta.externalData.length ? `, weights in ${s.meta.externalData.join(', ')}` : ''})`);
      out.push(`    in:  ${s.meta.inputs.map(tensor).join('; ')}`);
      out.push(`    out: ${s.meta.outputs.map(tensor).join('; ')}`);
    }
  }
  if (r.providers.length) {
    out.push('Runs here on:');
    for (const p of r.providers) out.push(`  ${p.device}: ${p.runs ? (p.installed === 'yes' ? 'yes' : 'maybe') : 'no'}${p.why ? ` (${p.why})` : ''}`);
  }
  for (const n of r.notes) out.push(`Note: ${n}`);
  if (r.problems.length === 0) out.push('OK: the bot can load this model.');
  else {
    out.push(`${r.problems.length} ${r.problems.length === 1 ? 'problem' : 'problems'}:`);
    for (const p of r.problems) out.push(`  - ${p}`);
  }
  return out.join('\n');
}
