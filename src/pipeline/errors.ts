/** Thrown for a model folder that cannot be used; the message names the file and what was expected. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** Thrown before any work for a request outside the model's limits; the message is meant for the user. */
export class RequestError extends Error {
  override name = 'RequestError';
}
