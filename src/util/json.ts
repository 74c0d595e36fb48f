/**
 * JSON.parse that also takes the NaN, Infinity and -Infinity tokens Python's json module writes
 * (diffusers saves lambda_min_clipped = -inf that way in scheduler_config.json).
 */
const MARK = '\u0000py:';

export function parseJsonLenient(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(MARK + token);
      i += token.length - 1;
      continue;
    }
    out += ch;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (typeof value === 'string' && value.startsWith(MARK)) {
      const token = value.slice(MARK.length);
      return token === 'NaN' ? NaN : token === 'Infinity' ? Infinity : -Infinity;
    }
    return value;
  });
}
