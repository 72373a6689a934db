/**
 * Whether a text is nothing but a sequence of words from given lists: "네" + "동의합니다" +
 * "감사합니다", or "yes" + " please". The recognizer's whole-utterance answers are read this way
 * rather than by a regular expression that repeats a group of alternatives, because such a group
 * backtracks exponentially when its words overlap ("해줘" + "요" and "해줘요" read the same text
 * two ways, so every repetition doubles the work).
 *
 * Here each step turns the set of positions the text can be read up to into the set after it;
 * a position is visited at most once per step, however many readings reach it. The work is
 * linear in the length of the text (times the number of words).
 */
export interface Step {
  /** The words this step may read; none is empty. */
  readonly words: readonly string[];
  /** Whether the step may read nothing. */
  readonly optional: boolean;
  /** Whether the step may read more than one word. */
  readonly repeated: boolean;
}

/** Exactly one of the words. */
export const one = (...words: string[]): Step => ({ words, optional: false, repeated: false });
/** One of the words, or nothing. */
export const optional = (...words: string[]): Step => ({ words, optional: true, repeated: false });
/** One or more of the words, in any order. */
export const oneOrMore = (...words: string[]): Step => ({ words, optional: false, repeated: true });
/** Any number of the words, none included. */
export const anyNumberOf = (...words: string[]): Step => ({ words, optional: true, repeated: true });

/** Whether `text`, whole, reads as the steps in order. */
export function isWordSequence(text: string, steps: readonly Step[]): boolean {
  let reachable: ReadonlySet<number> = new Set([0]);
  for (const step of steps) {
    reachable = afterStep(text, reachable, step);
    if (reachable.size === 0) return false;
  }
  return reachable.has(text.length);
}

/** The positions a step can end at, given those it can start at. */
function afterStep(text: string, starts: ReadonlySet<number>, step: Step): Set<number> {
  const ends = new Set<number>(step.optional ? starts : []);
  const visited = new Set(starts);
  const pending = [...starts];
  for (let at = pending.pop(); at !== undefined; at = pending.pop()) {
    for (const word of step.words) {
      if (!text.startsWith(word, at)) continue;
      const end = at + word.length;
      ends.add(end);
      if (step.repeated && !visited.has(end)) {
        visited.add(end);
        pending.push(end);
      }
    }
  }
  return ends;
}
