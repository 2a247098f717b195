// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { IntlProvider } from "react-intl";
import { afterEach, describe, expect, it, vi } from "vitest";
import { intlLocale, messagesFor, type Locale } from "~/i18n/locale";
import { TIME_ZONE } from "~/figures/month";
import { misplacedNumbers, withoutIsolates } from "~/i18n/bidi";
import { PRINT_CHART_WIDTH } from "./printing";
import { TrendChart } from "./trend-chart";

const LRM = "\u200e";
const pct = (v: string) => `${v}${LRM}%${LRM}`;
/**
 * An Arabic name as read: its words without the invisible isolates, and every number isolated
 * with its sign and percent sign (bidi.ts).
 */
const readsAs = (text: string) => (name: string) => withoutIsolates(name) === text && misplacedNumbers(name).length === 0;

function withIntl(locale: Locale, children: ReactNode) {
  return (
    <IntlProvider
      locale={intlLocale(locale)}
      messages={messagesFor(locale)}
      timeZone={TIME_ZONE}
    >
      <div dir={locale === "ar" ? "rtl" : "ltr"}>{children}</div>
    </IntlProvider>
  );
}

const series = [
  { period: "2018-01", actual: 70, target: 75 },
  { period: "2018-02", actual: 72.5, target: 75 },
  { period: "2018-03", actual: null, target: 80 },
  { period: "2018-04", actual: 78.25, target: 80 },
];
const forecast = [
  { period: "2018-05", value: 81 },
  { period: "2018-06", value: 83.5 },
];

function chart(locale: Locale, title = "Smart adoption") {
  return withIntl(
    locale,
    <TrendChart title={title} unit="percent" series={series} forecast={forecast} />,
  );
}

const cellsOf = (row: HTMLElement) => [...row.querySelectorAll("th, td")].map((c) => c.textContent);

describe("the trend chart's data table", () => {
  it("has one row per month with formatted figures (English)", async () => {
    render(chart("en"));
    await userEvent.click(screen.getByText("Data table"));
    const table = screen.getByRole("table", { name: "Smart adoption" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((c) => c.textContent),
    ).toEqual(["Month", "Actual", "Target", "Forecast"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map(cellsOf)).toEqual([
      ["January 2018", "70%", "75%", "—"],
      ["February 2018", "72.5%", "75%", "—"],
      ["March 2018", "—", "80%", "—"],
      ["April 2018", "78.3%", "80%", "—"],
      ["May 2018", "—", "—", "81%"],
      ["June 2018", "—", "—", "83.5%"],
    ]);
  });

  it("has one row per month with formatted figures (Arabic)", async () => {
    render(chart("ar", "التبني الذكي"));
    await userEvent.click(screen.getByText("جدول البيانات"));
    const table = screen.getByRole("table", { name: "التبني الذكي" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((c) => c.textContent),
    ).toEqual(["الشهر", "الفعلي", "المستهدف", "التوقع"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map(cellsOf)).toEqual([
      ["يناير 2018", pct("70"), pct("75"), "—"],
      ["فبراير 2018", pct("72.5"), pct("75"), "—"],
      ["مارس 2018", "—", pct("80"), "—"],
      ["أبريل 2018", pct("78.3"), pct("80"), "—"],
      ["مايو 2018", "—", "—", pct("81")],
      ["يونيو 2018", "—", "—", pct("83.5")],
    ]);
  });

  it("leaves out the forecast column when there is no forecast", () => {
    render(withIntl("en", <TrendChart title="Days" unit="days" series={series.slice(0, 2)} />));
    const table = screen.getByRole("table", { name: "Days", hidden: true });
    expect(
      within(table)
        .getAllByRole("columnheader", { hidden: true })
        .map((c) => c.textContent),
    ).toEqual(["Month", "Actual", "Target"]);
  });
});

describe("the trend chart", () => {
  it("is an image named with the title, the last actual against its target and the forecast", () => {
    render(chart("en"));
    expect(
      screen.getByRole("img", {
        name: "Smart adoption: 78.3% in April 2018, against a target of 80%. Forecast: 83.5% in June 2018.",
      }),
    ).toBeInTheDocument();
  });

  it("is named in Arabic too, and says when there are no figures", () => {
    render(chart("ar", "التبني الذكي"));
    expect(
      screen.getByRole("img", {
        name: readsAs(`التبني الذكي: ${pct("78.3")} في أبريل 2018، مقابل مستهدف قدره ${pct("80")}. التوقع: ${pct("83.5")} في يونيو 2018.`),
      }),
    ).toBeInTheDocument();
    render(withIntl("ar", <TrendChart title="فارغ" unit="count" series={[]} />));
    expect(screen.getByRole("img", { name: "فارغ: لا توجد أرقام بعد." })).toBeInTheDocument();
  });

  it("renders the table but no chart SVG on the server", () => {
    const html = renderToString(chart("en"));
    expect(html).toContain("<details");
    expect(html).toContain("<caption>Smart adoption</caption>");
    expect(html).toContain("January 2018");
    expect(html).toContain("83.5%");
    expect(html).toContain("The chart appears once the page has loaded");
    expect(html).toContain('role="img"');
    expect(html).toContain("block-size:280px");
    expect(html).not.toContain("<svg");
    expect(html).not.toContain("recharts");
  });
});

describe("the trend chart in the browser", () => {
  afterEach(() => document.body.replaceChildren());

  // jsdom lays nothing out: give the chart's container a size, as a browser would, and leave
  // text measurement at zero so that every tick fits.
  function giveChartASize() {
    const original = HTMLElement.prototype.getBoundingClientRect;
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (
      this: HTMLElement,
    ) {
      return this.classList.contains("recharts-responsive-container")
        ? DOMRect.fromRect({ width: 600, height: 280 })
        : original.call(this);
    });
  }

  async function hydrate(locale: Locale) {
    giveChartASize();
    const ui = chart(locale);
    const container = document.createElement("div");
    container.innerHTML = renderToString(ui);
    // In <main>, as on a page: printing opens the folded parts of the page's main content.
    const main = document.createElement("main");
    main.append(container);
    document.body.append(main);
    expect(container.querySelector(".chart-placeholder")).not.toBeNull();
    // A hydration mismatch would be a console.error, which fails the test (tests/setup.ts).
    await act(async () => {
      hydrateRoot(container, ui);
    });
    // recharts is a lazy chunk (chart-drawing.tsx): the placeholder stays until it has loaded.
    await waitFor(() => expect(container.querySelector("svg.recharts-surface")).not.toBeNull());
    return container;
  }

  it("hydrates without a mismatch and then draws the chart", async () => {
    const container = await hydrate("en");
    expect(container.querySelector(".chart-placeholder")).toBeNull();
    expect(container.querySelector(".chart-canvas")).toHaveAttribute("dir", "ltr");
    expect(container.querySelector("svg.recharts-surface")).not.toBeNull();
    expect(container.querySelectorAll(".recharts-line")).toHaveLength(3);
  });

  for (const locale of ["en", "ar"] as const) {
    it(`runs time and places the value axis for the reading direction (${locale})`, async () => {
      const container = await hydrate(locale);
      const ticks = (orientation: string) => [
        ...container.querySelectorAll(
          `text.recharts-cartesian-axis-tick-value[orientation="${orientation}"]`,
        ),
      ];
      const monthTicks = ticks("bottom");
      const x = (label: string) =>
        Number(monthTicks.find((t) => t.textContent === label)!.getAttribute("x"));
      const first = locale === "en" ? "Jan 18" : "يناير 18";
      const last = locale === "en" ? "Jun 18" : "يونيو 18";
      const valueTicks = ticks(locale === "en" ? "left" : "right");
      expect(valueTicks.map((t) => t.textContent)).toContain(locale === "en" ? "75%" : pct("75"));
      expect(ticks(locale === "en" ? "right" : "left")).toHaveLength(0);
      const valueX = Number(valueTicks[0].getAttribute("x"));
      if (locale === "en") {
        expect(x(first)).toBeLessThan(x(last));
        expect(valueX).toBeLessThan(300);
      } else {
        expect(x(first)).toBeGreaterThan(x(last));
        expect(valueX).toBeGreaterThan(300);
      }
    });

    // A chart drawn for the screen was wider than A4 and its box cut off the far end: the last
    // months in English, the value axis in Arabic. In print it is drawn at the page's width.
    it(`draws again at the print width when the page is printed, and back after (${locale})`, async () => {
      const container = await hydrate(locale);
      const drawing = () => container.querySelector(".recharts-wrapper > svg")!;
      const details = container.querySelector("details")!;
      expect(drawing().getAttribute("width")).toBe("600");
      expect(details.open).toBe(false);

      act(() => {
        window.dispatchEvent(new Event("beforeprint"));
      });
      // Synchronously: a browser lays the printed page out as soon as beforeprint returns.
      expect(container.querySelector(".chart-canvas")).toHaveAttribute("data-drawn-for", "print");
      expect(drawing().getAttribute("width")).toBe(String(PRINT_CHART_WIDTH));
      expect(details.open).toBe(true);
      const ticks = [...container.querySelectorAll("text.recharts-cartesian-axis-tick-value")];
      const labels = ticks.map((t) => t.textContent);
      expect(labels).toContain(locale === "en" ? "Jun 18" : "يونيو 18");
      expect(labels).toContain(locale === "en" ? "75%" : pct("75"));
      for (const tick of ticks) {
        expect(Number(tick.getAttribute("x"))).toBeGreaterThanOrEqual(0);
        expect(Number(tick.getAttribute("x"))).toBeLessThanOrEqual(PRINT_CHART_WIDTH);
      }
      const valueX = Number(
        container
          .querySelector(`text.recharts-cartesian-axis-tick-value[orientation="${locale === "en" ? "left" : "right"}"]`)!
          .getAttribute("x"),
      );
      if (locale === "ar") expect(valueX).toBeGreaterThan(PRINT_CHART_WIDTH / 2);
      else expect(valueX).toBeLessThan(PRINT_CHART_WIDTH / 2);

      act(() => {
        window.dispatchEvent(new Event("afterprint"));
      });
      expect(container.querySelector(".chart-canvas")).toHaveAttribute("data-drawn-for", "screen");
      await waitFor(() => expect(drawing().getAttribute("width")).toBe("600"));
      expect(details.open).toBe(false);
    });
  }
});

describe("a still chart (the overview's: decision 26)", () => {
  const still = (locale: Locale) =>
    withIntl(locale, <TrendChart title="Smart adoption" unit="percent" series={series} forecast={forecast} still />);

  it("is drawn in the server's HTML, wide and narrow, each named by the chart's sentence, with no placeholder", () => {
    document.body.innerHTML = renderToString(still("en"));
    const drawings = [...document.querySelectorAll<SVGElement>(".still-chart svg[role='img']")];
    expect(drawings.map((svg) => svg.getAttribute("viewBox"))).toEqual(["0 0 1000 280", "0 0 420 280"]);
    for (const svg of drawings) {
      expect(svg.getAttribute("aria-label")).toBe(
        "Smart adoption: 78.3% in April 2018, against a target of 80%. Forecast: 83.5% in June 2018.",
      );
      // Actual, target and forecast lines.
      expect(svg.querySelectorAll("path")).toHaveLength(3);
    }
    expect(document.querySelector(".chart-placeholder")).toBeNull();
    expect(document.querySelector(".still-chart")!.textContent).toContain("Forecast");
    // The figures stay in the table below it.
    expect(document.querySelector("table.chart-table caption")!.textContent).toBe("Smart adoption");
  });

  it("puts the latest month on the left and the values on the right in Arabic", () => {
    document.body.innerHTML = renderToString(still("ar"));
    const wide = document.querySelector(".still-wide svg")!;
    const width = Number(wide.getAttribute("viewBox")!.split(" ")[2]);
    // Month labels in the order of the months: each later one further left.
    const months = [...wide.querySelectorAll("text[text-anchor='middle']")].map((t) => Number(t.getAttribute("x")));
    expect(months.length).toBeGreaterThan(3);
    expect(months).toEqual([...months].sort((a, b) => b - a));
    // The value axis's labels beside the right edge.
    const values = [...wide.querySelectorAll("text[dominant-baseline]")].map((t) => Number(t.getAttribute("x")));
    expect(values.length).toBeGreaterThan(2);
    for (const x of values) expect(x).toBeGreaterThan(width * 0.85);
  });
});
