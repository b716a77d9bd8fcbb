/**
 * Maps character offsets of a text to 1-based line and column numbers (binary search over the
 * line starts, computed once). Internal to the scenario loader.
 *
 * @internal
 */
export class LineIndex {
  private starts: number[] | undefined;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** The 1-based line and column of `offset` (clamped to the text). */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (starts[lo] as number) + 1 };
  }

  private lineStarts(): number[] {
    if (this.starts !== undefined) return this.starts;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }
}
