/** A class and its score, as a classification row reports it. */
export interface ClassScore {
  readonly index: number;
  readonly score: number;
}

/**
 * The `k` highest of `width` scores starting at `offset` (one image's row of a batch output), highest
 * first; equal scores in class order, so that the ranking is the same wherever it is computed.
 */
export function topClasses(
  scores: ArrayLike<number>,
  offset: number,
  width: number,
  k: number,
): ClassScore[] {
  const top: ClassScore[] = [];
  for (let index = 0; index < width; index++) {
    const score = scores[offset + index]!;
    if (top.length === k && !(score > top[k - 1]!.score)) continue;
    let at = top.length;
    while (at > 0 && score > top[at - 1]!.score) at--;
    top.splice(at, 0, { index, score });
    if (top.length > k) top.pop();
  }
  return top;
}
