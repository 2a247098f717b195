import { Link } from "@remix-run/react";
import type { Compliance } from "../compliance/types";
import { useFormat } from "./format";

interface Item {
  code: string;
  nameEn: string;
  nameAr: string;
  compliance: Compliance | null;
}

/** Compliance of a set of strategy items (or entities): share compliant, counts and score. */
export function ComplianceTable({ caption, items, href }: { caption: string; items: Item[]; href: (code: string) => string }) {
  const f = useFormat();
  const { t } = f;
  return (
    <div className="table-scroll">
      <table className="data-table compact">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{caption}</th>
            <th scope="col">{t("col.compliance")}</th>
            <th scope="col">{t("col.score")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.code}>
              <th scope="row">
                <Link to={href(item.code)}>{f.name(item)}</Link>
              </th>
              <td className="number">
                {item.compliance && item.compliance.compliance !== null ? (
                  <>
                    {f.share(item.compliance.compliance)}{" "}
                    <span className="muted">
                      ({t("compliance.ratio", { compliant: item.compliance.compliant, assessed: item.compliance.assessed })})
                    </span>
                  </>
                ) : (
                  t("compliance.none")
                )}
              </td>
              <td className="number">
                {item.compliance && item.compliance.score !== null ? f.share(item.compliance.score) : t("value.none")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
