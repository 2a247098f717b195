// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Locale } from "~/i18n/locale";
import { WithIntl } from "../../tests/helpers/intl";
import Catalogue from "./kpis._index";

const connected = {
  code: "connected-services",
  nameEn: "Connected services",
  nameAr: "الخدمات المترابطة",
};
const data = {
  total: 2,
  pillar: null,
  pillars: [connected],
  kpis: [
    {
      code: "SMART_ADOPTION",
      nameEn: "Transactions through e-/smart channels",
      nameAr: "نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية",
      unit: "percent",
      direction: "increase",
      pillars: [connected],
      initiatives: [{ code: "dubai-now", nameEn: "Dubai Now app", nameAr: "تطبيق «دبي الآن»" }],
      policies: [],
      target: { value: 80, due: "2018-12", kind: "final" },
    },
    {
      code: "SERVICE_REQUEST_DAYS",
      nameEn: "Working days to complete a service request",
      nameAr: "متوسط أيام العمل لإنجاز طلب الخدمة",
      unit: "days",
      direction: "decrease",
      pillars: [connected],
      initiatives: [],
      policies: [],
      target: null,
    },
  ],
};

function renderCatalogue(locale: Locale, loaderData: object = data) {
  const Stub = createRemixStub([{ path: "/kpis", Component: Catalogue, loader: () => loaderData }]);
  return render(
    <WithIntl locale={locale}>
      <Stub initialEntries={["/kpis"]} />
    </WithIntl>,
  );
}

describe("the KPI catalogue page", () => {
  it("shows each KPI with unit, direction and its target in English", async () => {
    renderCatalogue("en");
    const row = (
      await screen.findByRole("link", { name: "Transactions through e-/smart channels" })
    ).closest("tr")!;
    expect(within(row).getByText("Percent")).toBeInTheDocument();
    expect(within(row).getByText("Higher is better")).toBeInTheDocument();
    expect(within(row).getByText("80% by December 2018")).toBeInTheDocument();
    expect(within(row).getByText("Dubai Now app")).toBeInTheDocument();
    const days = screen
      .getByRole("link", { name: "Working days to complete a service request" })
      .closest("tr")!;
    expect(within(days).getByText("Lower is better")).toBeInTheDocument();
    expect(within(days).getByText("No target")).toBeInTheDocument();
    expect(screen.getByText("2 KPIs")).toBeInTheDocument();
  });

  it("shows the same catalogue in Arabic", async () => {
    renderCatalogue("ar");
    const row = (
      await screen.findByRole("link", {
        name: "نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية",
      })
    ).closest("tr")!;
    expect(within(row).getByText("نسبة مئوية")).toBeInTheDocument();
    expect(within(row).getByText("الأعلى أفضل")).toBeInTheDocument();
    // Arabic percentages carry left-to-right marks around the sign, and the sentence holds each
    // value in a bidi isolate (decision 22); the reader sees "80% بحلول ديسمبر 2018".
    const target = within(row).getByText(
      (text) => text.replace(/[\u200e\u200f\u2066-\u2069]/g, "") === "80% بحلول ديسمبر 2018",
    );
    expect(target).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "المستهدف الحالي" })).toBeInTheDocument();
    expect(screen.getByText("مؤشران")).toBeInTheDocument();
  });

  it("says in words how to load KPIs when none are loaded", async () => {
    renderCatalogue("en", { total: 0, pillar: null, pillars: [], kpis: [] });
    expect(await screen.findByText(/No KPIs are loaded yet/)).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("says when a pillar has no KPI", async () => {
    renderCatalogue("ar", {
      total: 3,
      pillar: "connected-services",
      pillars: [connected],
      kpis: [],
    });
    expect(await screen.findByText("لا يوجد مؤشر ضمن هذه الركيزة.")).toBeInTheDocument();
  });
});
