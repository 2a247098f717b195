import { isolateNumbers } from "../i18n/bidi";
import { useFormat } from "./format";

/** One version of commentary as pages receive it (app/models/commentary.server.ts). */
export interface CommentaryView {
  id: number;
  analysis: string;
  recommendation: string;
  language: "en" | "ar";
  state: "submitted" | "approved" | "returned";
  author: string;
  writtenAt: string;
  reviewNote: string | null;
  versions: number;
}

export function toCommentaryView(
  row: Omit<CommentaryView, "versions" | "language" | "state"> & { language: string; state: string } | null,
  versions: number,
): CommentaryView | null {
  if (!row) return null;
  const { id, analysis, recommendation, author, writtenAt, reviewNote } = row;
  return {
    id,
    analysis,
    recommendation,
    language: row.language === "ar" ? "ar" : "en",
    state: row.state as CommentaryView["state"],
    author,
    writtenAt,
    reviewNote,
    versions,
  };
}

/**
 * Commentary where the number is: the text in the language it was written in (its own direction),
 * with who wrote it and when, a note when the reader's language is the other one, and its state
 * while it waits for review.
 */
export function Commentary({ item, labels }: { item: CommentaryView; labels?: { analysis: string; recommendation: string } }) {
  const f = useFormat();
  const { t } = f;
  const dir = item.language === "ar" ? "rtl" : "ltr";
  // Numbers in Arabic text are isolated, as in the messages, whatever the page's language.
  const prose = (text: string) => (item.language === "ar" ? isolateNumbers(text) : text);
  return (
    <div className={`commentary commentary-${item.state}`}>
      <div lang={item.language} dir={dir}>
        <p className="commentary-text">
          {labels ? <strong>{labels.analysis} </strong> : null}
          {prose(item.analysis)}
        </p>
        {item.recommendation ? (
          <p className="commentary-text">
            {labels ? <strong>{labels.recommendation} </strong> : null}
            {prose(item.recommendation)}
          </p>
        ) : null}
      </div>
      <p className="commentary-meta muted">
        {t("commentary.by", { author: item.author, date: f.dateTime(item.writtenAt) })}
        {item.language !== f.locale ? ` ${t(item.language === "ar" ? "commentary.writtenAr" : "commentary.writtenEn")}` : null}
        {item.state !== "approved" ? ` ${t(`commentary.state.${item.state}`)}` : null}
        {item.state === "returned" && item.reviewNote ? ` ${t("commentary.returnedBecause", { note: item.reviewNote })}` : null}
        {item.versions > 1 ? ` ${t("commentary.versions", { count: item.versions })}` : null}
      </p>
    </div>
  );
}
