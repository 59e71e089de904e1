/**
 * Text cut to `max` characters with an ellipsis, whitespace runs flattened, so a cell never wraps.
 * @example clip('Should the store move to Redis?', 12) // 'Should the …'
 */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (max <= 0) return '';
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}
