// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { IntlProvider } from "react-intl";
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { formatterFor, intlFor } from "~/i18n/format";
import { STATUSES, type Status } from "~/compliance/types";
import { intlLocale, messagesFor, type Locale } from "~/i18n/locale";
import { TIME_ZONE } from "~/figures/month";
import { misplacedNumbers, withoutIsolates } from "~/i18n/bidi";
import { Heatmap, heatmapRows, type HeatmapCell } from "./heatmap";
import { STATUS_SYMBOL } from "./status";

const LRM = "\u200e";
/**
 * An Arabic name as read: its words without the invisible isolates, and every number isolated
 * with its sign and percent sign (bidi.ts).
 */
const readsAs = (text: string) => (name: string) => withoutIsolates(name) === text && misplacedNumbers(name).length === 0;
const STYLESHEET = readFileSync("app/styles/app.css", "utf8");

const entities = [
  { code: "RTA", nameEn: "Roads and Transport Authority", nameAr: "هيئة الطرق والمواصلات" },
  {
    code: "DEWA",
    nameEn: "Dubai Electricity and Water Authority",
    nameAr: "هيئة كهرباء ومياه دبي",
  },
];
const kpis = [
  {
    code: "SMART_ADOPTION",
    nameEn: "Transactions through e-/smart channels",
    nameAr: "نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية",
    shortEn: "Smart transactions",
    shortAr: "المعاملات الذكية",
    unit: "percent" as const,
  },
  {
    code: "SERVICE_REQUEST_DAYS",
    nameEn: "Working days to complete a service request",
    nameAr: "متوسط أيام العمل لإنجاز طلب الخدمة",
    unit: "days" as const,
  },
  {
    code: "OPEN_DATASETS",
    nameEn: "Open data sets published",
    nameAr: "مجموعات البيانات المفتوحة المنشورة",
    unit: "count" as const,
  },
  {
    code: "PAPERLESS",
    nameEn: "Paperless services",
    nameAr: "الخدمات اللاورقية",
    unit: "percent" as const,
  },
];
// One cell for every status; DEWA does not report PAPERLESS.
const cells: Record<string, HeatmapCell> = {
  "RTA|SMART_ADOPTION": { status: "met", actual: 93.1, target: 80 },
  "RTA|SERVICE_REQUEST_DAYS": { status: "on-track", actual: 6, target: 5 },
  "RTA|OPEN_DATASETS": { status: "at-risk", actual: 40, target: 50 },
  "RTA|PAPERLESS": { status: "off-track", actual: 20, target: 90, missed: "2018-12" },
  "DEWA|SMART_ADOPTION": { status: "no-data", actual: null, target: 80 },
  "DEWA|SERVICE_REQUEST_DAYS": { status: "no-target", actual: 4, target: null },
  "DEWA|OPEN_DATASETS": { status: "met", actual: 61, target: 50 },
};

function renderHeatmap(
  locale: Locale,
  entityHref?: (code: string) => string | null,
  messages: Record<string, string> = messagesFor(locale),
  cellHref?: (entity: string, kpi: string) => string | null,
) {
  const Stub = createRemixStub([
    {
      path: "/",
      Component: () => (
        <Heatmap
          caption="Compliance by entity"
          entities={entities}
          kpis={kpis}
          rows={heatmapRows(entities, kpis, cells)}
          entityHref={entityHref}
          cellHref={cellHref}
        />
      ),
    },
    { path: "/kpis/:code", Component: () => <p>KPI page</p> },
  ]);
  return render(
    <IntlProvider
      locale={intlLocale(locale)}
      messages={messages}
      timeZone={TIME_ZONE}
    >
      <div dir={locale === "ar" ? "rtl" : "ltr"}>
        <Stub />
      </div>
    </IntlProvider>,
  );
}

const words: Record<Locale, Record<Status, string>> = {
  en: {
    met: "Met",
    "on-track": "On track",
    "at-risk": "At risk",
    "off-track": "Off track",
    "no-data": "No data",
    "no-target": "No target",
  },
  ar: {
    met: "محقَّق",
    "on-track": "على المسار",
    "at-risk": "في خطر",
    "off-track": "خارج المسار",
    "no-data": "لا توجد بيانات",
    "no-target": "لا يوجد مستهدف",
  },
};

describe("the compliance heatmap", () => {
  for (const locale of ["en", "ar"] as const) {
    it(`shows each status by symbol and word, not colour alone (${locale})`, async () => {
      renderHeatmap(locale);
      const table = await screen.findByRole("table", { name: "Compliance by entity" });
      const statusCells = [...table.querySelectorAll("td[tabindex='0']")] as HTMLElement[];
      expect(statusCells).toHaveLength(Object.keys(cells).length);
      for (const status of STATUSES) {
        const cell = statusCells.find((c) => c.classList.contains(`heatmap-${status}`));
        expect(cell, status).toBeDefined();
        // The symbol is drawn by CSS from the status class (kept out of the accessibility tree
        // as the badge's aria-hidden symbol was); the word ends the cell's name, for screen
        // readers. The cell itself is empty.
        expect(STYLESHEET).toContain(
          `.heatmap td.heatmap-${status}[tabindex]::before,\n.heatmap td.heatmap-${status} > a::before {\n  content: "${STATUS_SYMBOL[status]}";`,
        );
        // The off-track cell is below a final target gone by: "Missed", drawn as off track.
        const word = status === "off-track" ? (locale === "en" ? "Missed (due December 2018)" : "لم يتحقق (موعده ديسمبر 2018)") : words[locale][status];
        expect(withoutIsolates(cell!.getAttribute("aria-label")!).endsWith(word), status).toBe(true);
        expect(cell!.childNodes).toHaveLength(0);
      }
    });
  }

  it("names each cell with the KPI, the figure against its target and the status (English)", async () => {
    renderHeatmap("en");
    const met = await screen.findByRole("cell", {
      name: "Transactions through e-/smart channels: 93.1% against 80% — Met",
    });
    expect(met).toHaveAttribute("tabindex", "0");
    // The hover and focus tooltip is the label drawn by CSS (app.css), not a copy of the words
    // in every cell's markup: the cell is empty.
    expect(STYLESHEET).toContain("content: attr(aria-label);");
    expect(met).toBeEmptyDOMElement();
    met.focus();
    expect(met).toHaveFocus();

    expect(
      screen.getByRole("cell", {
        name: "Working days to complete a service request: 6 days against 5 days — On track",
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("cell", {
        name: "Transactions through e-/smart channels: no figure against 80% — No data",
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("cell", {
        name: "Working days to complete a service request: actual 4 days — No target",
      }),
    ).toBeInTheDocument();
  });

  it("names a cell with no figure and no target, and keeps a translation that chooses by value", async () => {
    // The sentences are built once per message and spliced per cell; a translation that does
    // more than put values in place (here a select on the status) must still be honoured.
    renderHeatmap("en", undefined, {
      ...messagesFor("en"),
      "heatmap.cell": "{status, select, Met {Reached: {kpi}} other {{kpi} ({actual}/{target}) {status}}}",
    });
    expect(
      await screen.findByRole("cell", { name: "Reached: Transactions through e-/smart channels" }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("cell", { name: "Open data sets published (40/50) At risk" }),
    ).toBeInTheDocument();
  });

  it("names each cell in Arabic with Arabic words and the pinned digits", async () => {
    renderHeatmap("ar");
    const met = await screen.findByRole("cell", {
      name: readsAs(`نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية: 93.1${LRM}%${LRM} مقابل 80${LRM}%${LRM} — محقَّق`),
    });
    expect(met).toHaveAttribute("tabindex", "0");
    expect(
      screen.getByRole("cell", {
        name: readsAs(`الخدمات اللاورقية: 20${LRM}%${LRM} مقابل 90${LRM}%${LRM} — لم يتحقق (موعده ديسمبر 2018)`),
      }),
    ).toBeInTheDocument();
    // Headed by the short name the definition gives, the full name on hover; a KPI without a
    // short name is headed by its name. No KPI code on an Arabic page.
    expect(screen.getByRole("columnheader", { name: "المعاملات الذكية" })).toHaveAttribute(
      "title",
      "نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية",
    );
    expect(screen.getByRole("columnheader", { name: "الخدمات اللاورقية" })).not.toHaveAttribute("title");
    expect(screen.queryByText(/SMART_ADOPTION|PAPERLESS/)).toBeNull();
    expect(screen.getByRole("rowheader", { name: "هيئة الطرق والمواصلات" })).toBeInTheDocument();
  });

  for (const [locale, label] of [
    ["en", "Not reported"],
    ["ar", "غير مُبلَّغ عنه"],
  ] as const) {
    it(`marks a KPI the entity does not report as not reported (${locale})`, async () => {
      renderHeatmap(locale);
      await screen.findByRole("table");
      const notReported = screen.getAllByRole("cell", { name: label });
      expect(notReported).toHaveLength(1);
      const row = notReported[0].closest("tr")!;
      expect(within(row).getByRole("rowheader")).toHaveTextContent(
        locale === "en" ? "Dubai Electricity and Water Authority" : "هيئة كهرباء ومياه دبي",
      );
      expect(notReported[0]).not.toHaveAttribute("tabindex");
      expect(notReported[0].querySelector(".status")).toBeNull();
    });
  }

  it("links an entity's name when entityHref gives an address, and not when it gives null", async () => {
    renderHeatmap("en", (code) => (code === "RTA" ? "/entities/rta" : null));
    const link = await screen.findByRole("link", { name: "Roads and Transport Authority" });
    expect(link).toHaveAttribute("href", "/entities/rta");
    expect(
      screen.getByRole("rowheader", { name: "Dubai Electricity and Water Authority" }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole("link", { name: "Dubai Electricity and Water Authority" }),
    ).toBeNull();
    expect(screen.getAllByRole("link")).toHaveLength(1);
  });

  it("has no links without entityHref", async () => {
    renderHeatmap("ar");
    await screen.findByRole("table");
    expect(screen.queryAllByRole("link")).toHaveLength(0);
  });

  it("makes each cell a link to the entity on the KPI's page, followed without a full load", async () => {
    const user = userEvent.setup();
    renderHeatmap("en", undefined, messagesFor("en"), (entity, kpi) => (entity === "RTA" ? `/kpis/${kpi}?entity=${entity}` : null));
    const link = await screen.findByRole("link", { name: "Transactions through e-/smart channels: 93.1% against 80% — Met" });
    expect(link).toHaveAttribute("href", "/kpis/SMART_ADOPTION?entity=RTA");
    expect(link.closest("td")).toHaveClass("heatmap-met");
    // DEWA's cells have no address: focusable cells, not links.
    expect(screen.getAllByRole("link")).toHaveLength(4);
    expect(screen.getByRole("cell", { name: "Open data sets published: 61 against 50 — Met" })).toHaveAttribute("tabindex", "0");
    await user.click(link);
    expect(await screen.findByText("KPI page")).toBeInTheDocument();
  });

  it("builds each kind of cell sentence once in Arabic too, not once per cell", async () => {
    // The sentences are spliced from a template; in Arabic the values go in isolates as t()
    // places them, so the template must still match t() and not fall back to it per cell.
    const f = formatterFor(intlFor("ar"));
    const spy = vi.spyOn(f, "t");
    renderHeatmap("ar");
    await screen.findByRole("table");
    const cellSentences = spy.mock.calls.filter(([id]) => id === "heatmap.cell").length;
    spy.mockRestore();
    // Four cells read "heatmap.cell": the template and its check are two calls, whatever the count.
    expect(cellSentences).toBe(2);
  });
  it("writes names and sentences as text: markup in a name is shown, never made into elements", async () => {
    // The body is one HTML string (heatmap.tsx): every name, sentence and address is escaped.
    const hostile = { code: "X", nameEn: `<img src=x onerror="alert(1)"> & 'Co'`, nameAr: "س" };
    const kpi = { ...kpis[2], nameEn: "Data </td><script>alert(2)</script>" };
    const Stub = createRemixStub([
      {
        path: "/",
        Component: () => (
          <Heatmap
            caption="Compliance by entity"
            entities={[hostile]}
            kpis={[kpi]}
            rows={heatmapRows([hostile], [kpi], { "X|OPEN_DATASETS": { status: "met", actual: 61, target: 50 } })}
            entityHref={() => `/entities/X?a="b"&c=<d>`}
            cellHref={() => null}
          />
        ),
      },
    ]);
    render(
      <IntlProvider locale="en" messages={messagesFor("en")} timeZone={TIME_ZONE}>
        <Stub />
      </IntlProvider>,
    );
    const table = await screen.findByRole("table");
    expect(table.querySelector("img, script")).toBeNull();
    expect(screen.getByRole("link", { name: hostile.nameEn })).toHaveAttribute("href", `/entities/X?a="b"&c=<d>`);
    expect(screen.getByRole("cell", { name: "Data </td><script>alert(2)</script>: 61 against 50 — Met" })).toBeInTheDocument();
  });

  it("follows an entity's link through the router, without a full load", async () => {
    const user = userEvent.setup();
    const Stub = createRemixStub([
      {
        path: "/",
        Component: () => (
          <Heatmap caption="Compliance by entity" entities={entities} kpis={kpis} rows={heatmapRows(entities, kpis, cells)} entityHref={(code) => `/entities/${code}`} />
        ),
      },
      { path: "/entities/:code", Component: () => <p>Entity page</p> },
    ]);
    render(
      <IntlProvider locale="en" messages={messagesFor("en")} timeZone={TIME_ZONE}>
        <Stub />
      </IntlProvider>,
    );
    await user.click(await screen.findByRole("link", { name: "Roads and Transport Authority" }));
    expect(await screen.findByText("Entity page")).toBeInTheDocument();
  });
});
