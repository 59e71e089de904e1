import { BackendError } from './errors.js';

/** The worker contract's model id: no spaces, quotes or shell metacharacters. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

/**
 * Returns `model` when it is a valid model id, else throws `BackendError('invalid-model')`.
 * @example assertModelId('gpt-5.3-codex') // 'gpt-5.3-codex'
 */
export function assertModelId(model: string): string {
  if (!MODEL_ID_PATTERN.test(model) || model.length > 200) {
    const shown = JSON.stringify(model.length > 80 ? `${model.slice(0, 80)}…` : model);
    throw new BackendError('invalid-model', `invalid model id ${shown}: use letters, digits and . _ : / @ + -`);
  }
  return model;
}
