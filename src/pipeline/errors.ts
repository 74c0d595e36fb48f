/** Thrown for a model folder that cannot be used; the message names the file and what was expected. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}
