// Bookkeeping for a result list the backend sends one page at a time.

/** Page offsets (multiples of `size`) that hold rows `from..=to`. */
export function pagesCovering(from: number, to: number, size: number, total: number): number[] {
  if (total <= 0 || size <= 0) return [];
  const first = Math.floor(Math.max(0, from) / size) * size;
  const last = Math.min(Math.max(from, to), total - 1);
  const offsets: number[] = [];
  for (let offset = first; offset <= last; offset += size) offsets.push(offset);
  return offsets;
}

/** Row `index` from pages keyed by their offset, if its page is loaded. */
export function rowAt<T>(pages: ReadonlyMap<number, readonly T[]>, index: number, size: number): T | undefined {
  const offset = Math.floor(index / size) * size;
  return pages.get(offset)?.[index - offset];
}

const counter = new Intl.NumberFormat("en-US");

/** "1 match", "129,453 matches". */
export function countLabel(n: number, one: string, many: string): string {
  return `${counter.format(n)} ${n === 1 ? one : many}`;
}

/**
 * What a find with no match says. A key typed in another case than the
 * document's ("joinurl" for "joinURL") is the usual miss, so when matches
 * exist ignoring case, it says how many.
 */
export function noMatchText(key: string, ignoringCase: number | null): string {
  const none = `No key ${key} in this response`;
  if (ignoringCase === null || ignoringCase === 0) return `${none}.`;
  return `${none} with that case; ${countLabel(ignoringCase, "match", "matches")} ignoring case.`;
}
