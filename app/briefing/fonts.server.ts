// The book's typefaces. Latin text is set in the app's own Noto Sans (the Latin, symbol and math
// faces of @fontsource/noto-sans-arabic), carried inside the document as data: URLs, since a
// printed book loads nothing; fontsource's stylesheets give each face its unicode-range.
//
// Arabic is set in DejaVu Sans, the system's (Debian's fontconfig default, which Chromium finds
// itself), not in Noto Sans Arabic: both shape Arabic correctly on paper, but Noto draws a letter's
// dots as marks placed apart from the letter, and text extraction (pdftotext, and with it search
// and copy in many PDF readers) then breaks nearly every Arabic word in two ("مدين ة" for
// "مدينة"). DejaVu Sans draws each letter whole, so an Arabic book's words can be found in it.
// docs/decisions/0018-briefing-book.md.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { LATIN_FAMILY } from "./styles";

const WEIGHTS = [400, 700] as const;

let faces: string | undefined;

/** @font-face rules for the book's Latin faces, each face inside its rule as a data: URL. */
export function inlineFontFaces(): string {
  faces ??= readFaces();
  return faces;
}

function readFaces(): string {
  const require = createRequire(import.meta.url);
  const rules: string[] = [];
  for (const weight of WEIGHTS) {
    const sheet = require.resolve(`@fontsource/noto-sans-arabic/${weight}.css`);
    for (const rule of readFileSync(sheet, "utf8").match(/@font-face\s*{[^}]*}/g) ?? []) {
      const file = /url\(\.\/files\/([a-z0-9-]+\.woff2)\)/.exec(rule)?.[1];
      // The Arabic face is left out on purpose (see above): Arabic falls to DejaVu Sans.
      if (!file || file.includes("-arabic-arabic-")) continue;
      const data = readFileSync(path.join(path.dirname(sheet), "files", file)).toString("base64");
      rules.push(
        rule
          .replace(/font-family:[^;]*;/, `font-family: "${LATIN_FAMILY}";`)
          .replace(/src:[^;]*;/, `src: url("data:font/woff2;base64,${data}") format("woff2");`)
          .replace("font-display: swap;", "font-display: block;"),
      );
    }
  }
  return rules.join("\n");
}
