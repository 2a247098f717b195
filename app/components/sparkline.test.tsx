// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { IntlProvider } from "react-intl";
import { describe, expect, it } from "vitest";
import { intlLocale, messagesFor, type Locale } from "~/i18n/locale";
import { TIME_ZONE } from "~/figures/month";
import { misplacedNumbers, withoutIsolates } from "~/i18n/bidi";
import { Sparkline } from "./sparkline";

const LRM = "\u200e";
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

const pointsOf = (polyline: Element) =>
  polyline
    .getAttribute("points")!
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(",").map(Number) as [number, number]);

const values = [70, null, 75, 80, null, 85];

describe("the sparkline", () => {
  it("draws one point per figure, breaking the line at each gap", () => {
    render(withIntl("en", <Sparkline values={values} unit="percent" label="Smart adoption" />));
    const svg = screen.getByRole("img");
    const polylines = [...svg.querySelectorAll("polyline")];
    // [70] | [75, 80] | [85]
    expect(polylines.map((p) => pointsOf(p).length)).toEqual([1, 2, 1]);
    expect(svg).toHaveAttribute("viewBox", "0 0 96 24");
  });

  it("is named with the label and its first and last figures, formatted (English)", () => {
    render(withIntl("en", <Sparkline values={values} unit="percent" label="Smart adoption" />));
    expect(
      screen.getByRole("img", { name: "Smart adoption: from 70% to 85%" }),
    ).toBeInTheDocument();
  });

  it("is named with the label and its first and last figures, formatted (Arabic)", () => {
    render(withIntl("ar", <Sparkline values={[null, 6, 5.5]} unit="days" label="أيام الإنجاز" />));
    expect(
      screen.getByRole("img", { name: readsAs("أيام الإنجاز: من 6 أيام إلى 5.5 يوم") }),
    ).toBeInTheDocument();
    render(withIntl("ar", <Sparkline values={values} unit="percent" label="التبني الذكي" />));
    expect(
      screen.getByRole("img", { name: readsAs(`التبني الذكي: من 70${LRM}%${LRM} إلى 85${LRM}%${LRM}`) }),
    ).toBeInTheDocument();
  });

  it("says so when there are no figures", () => {
    render(withIntl("en", <Sparkline values={[null, null]} unit="count" label="Open data" />));
    const svg = screen.getByRole("img", { name: "Open data: no figures" });
    expect(svg.querySelector("polyline")).toBeNull();
    expect(svg.querySelector("circle")).toBeNull();
  });

  it("runs time left to right in English and right to left in Arabic", () => {
    const series = [10, 20, 30, 40];
    const { container: en } = render(
      withIntl("en", <Sparkline values={series} unit="count" label="x" />),
    );
    const { container: ar } = render(
      withIntl("ar", <Sparkline values={series} unit="count" label="x" />),
    );
    const enX = pointsOf(en.querySelector("polyline")!).map(([x]) => x);
    const arX = pointsOf(ar.querySelector("polyline")!).map(([x]) => x);
    expect(enX).toEqual([...enX].sort((a, b) => a - b));
    expect(arX).toEqual([...arX].sort((a, b) => b - a));
    expect(arX).toEqual(enX.map((x) => 96 - x));
    // The latest figure's dot sits at the end time runs towards.
    expect(Number(en.querySelector(".sparkline-last")!.getAttribute("cx"))).toBe(enX[3]);
    expect(Number(ar.querySelector(".sparkline-last")!.getAttribute("cx"))).toBe(arX[3]);
    expect(arX[3]).toBeLessThan(arX[0]);
  });

  it("draws the latest target as a horizontal line, and none without a target", () => {
    const { container } = render(
      withIntl(
        "en",
        <Sparkline values={[60, 70, 80]} target={[null, 75, 90]} unit="percent" label="x" />,
      ),
    );
    const line = container.querySelector(".sparkline-target")!;
    expect(line.getAttribute("y1")).toBe(line.getAttribute("y2"));
    // 90 is the top of the scale (60–90), so the target sits at the top padding, above 80.
    const top = Number(line.getAttribute("y1"));
    const ys = pointsOf(container.querySelector("polyline")!).map(([, y]) => y);
    expect(top).toBeLessThan(Math.min(...ys));

    const { container: plain } = render(
      withIntl("en", <Sparkline values={[60, 70]} unit="percent" label="y" />),
    );
    expect(plain.querySelector(".sparkline-target")).toBeNull();
  });

  it("renders on the server", () => {
    const html = renderToString(
      withIntl("en", <Sparkline values={values} unit="percent" label="Smart adoption" />),
    );
    expect(html).toContain("<svg");
    expect(html).toContain("<polyline");
    expect(html).toContain('aria-label="Smart adoption: from 70% to 85%"');
  });
});
