import { Link } from "@remix-run/react";
import type { PublicEdition } from "../models/published.server";
import { useFormat } from "./format";

/**
 * Whether the month a page shows is published (and in which edition) or still provisional, by
 * its title and on paper: a reader must never mistake results that may change for published ones.
 */
export function EditionNote({ edition, period }: { edition: PublicEdition | null; period: string }) {
  const f = useFormat();
  if (!edition) {
    return (
      <p className="edition-note edition-provisional">
        <span aria-hidden="true" className="edition-symbol">
          ○
        </span>{" "}
        {f.t("edition.provisional")}
      </p>
    );
  }
  return (
    <p className="edition-note edition-published">
      <span aria-hidden="true" className="edition-symbol">
        ✔
      </span>{" "}
      {f.t("edition.published", { date: f.date(edition.publishedAt), number: edition.number })}
      {edition.number > 1 ? (
        <>
          {" "}
          {f.t("edition.replaces", { number: edition.number, previous: edition.number - 1, reason: edition.reason ?? "" })}
        </>
      ) : null}{" "}
      <Link className="print-hide" to={`/editions?period=${period}`}>
        {f.t("edition.link")}
      </Link>
    </p>
  );
}
