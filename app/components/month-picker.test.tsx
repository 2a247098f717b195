// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Locale } from "~/i18n/locale";
import { WithIntl } from "../../tests/helpers/intl";
import { MonthPicker } from "./month-picker";

function renderPicker(period: string, locale: Locale = "en") {
  const Stub = createRemixStub([
    {
      path: "/entities/RTA",
      Component: () => (
        <WithIntl locale={locale}>
          <MonthPicker period={period} first="2018-11" last="2019-02" />
        </WithIntl>
      ),
    },
  ]);
  render(<Stub initialEntries={[`/entities/RTA?period=${period}&lang=${locale}`]} />);
  return screen.getByRole("combobox") as HTMLSelectElement;
}

const choices = (select: HTMLSelectElement) => [...select.options].map((o) => o.value);

describe("the month picker", () => {
  it("lists the months with figures, newest first, with the month shown chosen", () => {
    const select = renderPicker("2018-12");
    expect(choices(select)).toEqual(["2019-02", "2019-01", "2018-12", "2018-11"]);
    expect(select.value).toBe("2018-12");
    expect(select.selectedOptions[0].textContent).toBe("December 2018");
  });

  it("keeps a month before the first with figures as the one chosen, so Show stays on it", () => {
    const select = renderPicker("1999-01");
    expect(choices(select)).toEqual(["2019-02", "2019-01", "2018-12", "2018-11", "1999-01"]);
    expect(select.value).toBe("1999-01");
    expect(select.selectedOptions[0].textContent).toBe("January 1999");
    expect(select.selectedOptions[0].closest("optgroup")!.label).toBe("1999");
    // Nothing to step to before it; the next month with figures is far away.
    expect(screen.queryByRole("link", { name: /December 1998/ })).toBeNull();
  });

  it("keeps a month after the last with figures, in Arabic", () => {
    const select = renderPicker("2019-05", "ar");
    expect(choices(select)).toEqual(["2019-05", "2019-02", "2019-01", "2018-12", "2018-11"]);
    expect(select.value).toBe("2019-05");
    expect(select.selectedOptions[0].textContent).toBe("مايو 2019");
  });
});
