import type { AuthEvent } from "../../db/schema";
import { useFormat } from "./format";
import { TableScroll } from "./table-scroll";

interface Event {
  id: number;
  at: string;
  kind: AuthEvent;
  email: string;
  ip: string | null;
  actor: string | null;
}

/** Sign-ins, failures, lock-outs and account changes, newest first. */
export function ActivityTable({ events }: { events: Event[] }) {
  const f = useFormat();
  const { t } = f;
  if (events.length === 0) return <p className="empty-state">{t("admin.activity.empty")}</p>;
  return (
    <TableScroll labelledBy="activity-caption">
      <table className="data-table">
        <caption id="activity-caption" className="visually-hidden">{t("admin.activity.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("admin.col.at")}</th>
            <th scope="col">{t("admin.col.event")}</th>
            <th scope="col">{t("admin.col.email")}</th>
            <th scope="col">{t("admin.col.address")}</th>
            <th scope="col">{t("admin.col.actor")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{f.dateTime(e.at)}</td>
              <td>{t(`auth.${e.kind}`)}</td>
              <td dir="ltr">{e.email}</td>
              <td dir="ltr">{e.ip ?? t("value.none")}</td>
              <td dir="ltr">{e.actor ?? t("value.none")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
