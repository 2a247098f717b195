// Numbers inside right-to-left sentences. Western digits after Arabic letters are "Arabic
// numbers" to the Unicode bidi algorithm, and a sign or a percent sign next to them is then
// drawn on the wrong side ("%60", "0.3+"). Intl.NumberFormat puts marks around its own signs;
// an isolate (FSI/LRI … PDI) around the whole number keeps it in one piece whatever surrounds
// it: a literal "%" in a message, a name, another number, or a browser's tooltip.

/** First-strong isolate: the text inside takes the direction of its first strong letter. */
export const FSI = "\u2068";
/** Left-to-right isolate: for a number found in running text. */
export const LRI = "\u2066";
/** Pop directional isolate: closes FSI or LRI. */
export const PDI = "\u2069";

const OPENS = new Set(["\u2066", "\u2067", "\u2068"]);

/** Invisible marks Intl.NumberFormat places around signs in Arabic (LRM, RLM, ALM). */
const MARKS = /[\u200e\u200f\u061c]/;
const SIGNS = /[+\-\u2212]/;
const PERCENTS = /[%\u066a\u2030]/;

// A number written in running text: a sign, digits with their separators, a percent sign, and
// the marks Intl or a person may have put between them.
const NUMBER = /([\u200e\u200f\u061c]*[+\-\u2212][\u200e\u200f\u061c]*)?[0-9]+(?:[.,:\u066b\u066c][0-9]+)*(?:[\u200e\u200f\u061c]*[%\u066a\u2030][\u200e\u200f\u061c]*)?/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const ISOLATE_EDGE = /[\u2066-\u2069]/g;

/**
 * Wraps every number that is not already inside an isolate in LRI … PDI, with its sign and
 * percent sign. A "-" right after a letter or a digit is a hyphen ("COVID-19", "2018-12"), not a
 * sign, and stays outside.
 */
export function isolateNumbers(text: string): string {
  if (!/[0-9]/.test(text)) return text;
  const wrap = (run: string) =>
    run.replace(NUMBER, (match, sign: string | undefined, offset: number) => {
      const before = run[offset - 1];
      if (sign !== undefined && before !== undefined && LETTER_OR_DIGIT.test(before)) {
        return sign + LRI + match.slice(sign.length) + PDI;
      }
      return LRI + match + PDI;
    });
  // Only the text outside every isolate is looked at: what is inside is already placed.
  let out = "";
  let depth = 0;
  let from = 0;
  for (const edge of text.matchAll(ISOLATE_EDGE)) {
    const at = edge.index;
    if (depth === 0) out += wrap(text.slice(from, at));
    else out += text.slice(from, at);
    out += edge[0];
    from = at + 1;
    depth = edge[0] === PDI ? Math.max(0, depth - 1) : depth + 1;
  }
  return out + (depth === 0 ? wrap(text.slice(from)) : text.slice(from));
}

/** Removes the isolates, for a test that compares a sentence with its plain words. */
export function withoutIsolates(text: string): string {
  return text.replace(/[\u2066-\u2069]/g, "");
}

/**
 * Where a sentence would show a number's sign or percent sign on the wrong side in right-to-left
 * text: a digit outside every isolate, a sign or percent sign on the other side of an isolate's
 * edge from its digits, a percent sign before its digits or a sign after them. Each problem is
 * returned with a few characters around it; an empty list means the sentence is safe.
 */
export function misplacedNumbers(text: string, { requireIsolates = true } = {}): string[] {
  const problems: string[] = [];
  const chars = [...text];
  const around = (i: number) => chars.slice(Math.max(0, i - 12), i + 12).join("");
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (OPENS.has(char)) depth += 1;
    else if (char === PDI) depth = Math.max(0, depth - 1);
    if (!/[0-9]/.test(char)) continue;
    const first = i;
    for (;;) {
      if (/[0-9]/.test(chars[i + 1] ?? "")) i += 1;
      else if (/[.,:\u066b\u066c]/.test(chars[i + 1] ?? "") && /[0-9]/.test(chars[i + 2] ?? "")) i += 2;
      else break;
    }
    const last = i;
    if (requireIsolates && depth === 0) problems.push(`digits outside an isolate: ${around(first)}`);
    // Look left of the digits, past marks and isolate edges.
    let crossed = false;
    let j = first - 1;
    while (j >= 0 && (MARKS.test(chars[j]!) || OPENS.has(chars[j]!) || chars[j] === PDI)) {
      if (!MARKS.test(chars[j]!)) crossed = true;
      j--;
    }
    const left = chars[j];
    if (left !== undefined && PERCENTS.test(left)) problems.push(`percent sign before its number: ${around(first)}`);
    if (left !== undefined && SIGNS.test(left) && crossed && !LETTER_OR_DIGIT.test(chars[j - 1] ?? " ")) {
      problems.push(`sign outside its number's isolate: ${around(first)}`);
    }
    crossed = false;
    let k = last + 1;
    while (k < chars.length && (MARKS.test(chars[k]!) || OPENS.has(chars[k]!) || chars[k] === PDI)) {
      if (!MARKS.test(chars[k]!)) crossed = true;
      k++;
    }
    const right = chars[k];
    if (right !== undefined && PERCENTS.test(right) && crossed) problems.push(`percent sign outside its number's isolate: ${around(last)}`);
    if (right !== undefined && SIGNS.test(right) && !LETTER_OR_DIGIT.test(chars[k + 1] ?? " ")) {
      problems.push(`sign after its number: ${around(last)}`);
    }
  }
  return problems;
}
