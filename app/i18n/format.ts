// Formatting that follows a locale, its pinned numbering system and Dubai's time zone. A plain
// function of an IntlShape, so pages (through useFormat), the engine's explanations and exports
// format numbers the same way.
import { IntlMessageFormat } from "intl-messageformat";
import { createIntl, type IntlShape } from "react-intl";
import type { Unit } from "../definitions/schema";
import { middleOf, TIME_ZONE } from "../figures/month";
import { FSI, isolateNumbers, PDI } from "./bidi";
import { DEFAULT_LOCALE, intlLocale, messagesFor, type Locale } from "./locale";
import type { MessageId } from "./messages";

export interface Bilingual {
  nameEn: string;
  nameAr: string;
}

const intls = new Map<Locale, IntlShape>();

/**
 * A language's IntlShape, made once for the life of the process and shared by every page
 * (RawIntlProvider in root.tsx) and report: it holds nothing of a request. An IntlProvider made
 * a new one for every page, 0.1 ms of each request.
 */
export function intlFor(locale: Locale): IntlShape {
  let intl = intls.get(locale);
  if (intl === undefined) {
    intl = createIntl({
      locale: intlLocale(locale),
      messages: messagesFor(locale),
      timeZone: TIME_ZONE,
      defaultLocale: intlLocale(DEFAULT_LOCALE),
    });
    intls.set(locale, intl);
  }
  return intl;
}

export type Formatter = ReturnType<typeof makeFormatter>;

/** Per catalogue (the app has one per language; a test may bring its own) and locale. */
const formatters = new WeakMap<object, Map<Locale, Formatter>>();

/**
 * The formatter for an IntlShape's locale and messages, made once for the life of the process:
 * react-intl looks its Intl objects up per call through a memoiser that JSON-serialises the
 * arguments, which was half the time of an entity page; here every message and number format is
 * made once.
 */
export function formatterFor(intl: IntlShape): Formatter {
  const locale: Locale = intl.locale.startsWith("ar") ? "ar" : "en";
  const catalogue = intl.messages as Record<string, string>;
  let byLocale = formatters.get(catalogue);
  if (byLocale === undefined) {
    byLocale = new Map();
    formatters.set(catalogue, byLocale);
  }
  let formatter = byLocale.get(locale);
  if (formatter === undefined) {
    formatter = makeFormatter(locale, catalogue);
    byLocale.set(locale, formatter);
  }
  return formatter;
}

type Values = Record<string, string | number | Date>;

/**
 * Characters that make a message more than its own text: arguments, plurals and selects (braces),
 * ICU quoting (the apostrophe) and tags. Three messages in four have none of them.
 */
const MESSAGE_SYNTAX = /[{}'<>]/;

type MessageFormatElement = ReturnType<IntlMessageFormat["getAst"]>[number];

// The parser's element types (TYPE in @formatjs/icu-messageformat-parser): a plain `{name}` and
// the elements that hold other elements.
const ARGUMENT = 1;
const SELECT = 5;
const PLURAL = 6;
const TAG = 8;

/**
 * The names a message only ever places as they are (`{value}`), never chooses by (a plural or a
 * select): those can be handed over already isolated, the others must stay numbers or keys.
 */
function placedArguments(elements: MessageFormatElement[]): Set<string> {
  const placed = new Set<string>();
  const chosen = new Set<string>();
  const visit = (list: MessageFormatElement[]) => {
    for (const element of list) {
      if (element.type === ARGUMENT) placed.add(element.value);
      else if ("value" in element && typeof element.value === "string" && element.type !== 0 && element.type !== TAG) chosen.add(element.value);
      if (element.type === SELECT || element.type === PLURAL) {
        for (const option of Object.values(element.options)) visit(option.value);
      } else if (element.type === TAG) visit(element.children);
    }
  };
  visit(elements);
  for (const name of chosen) placed.delete(name);
  return placed;
}

/** An Intl object made on its first use: most pages never format a date or a list. */
function lazily<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

function makeFormatter(locale: Locale, catalogue: Record<string, string>) {
  const tag = intlLocale(locale);
  const compiled = new Map<MessageId, { message: IntlMessageFormat; placed: Set<string> }>();
  const plain = new Map<MessageId, string>();
  const rtl = locale === "ar";
  // How a bare `{count}` is written: IntlMessageFormat's own default number format.
  const argumentNumber = lazily(() => new Intl.NumberFormat(tag));
  /**
   * In Arabic, every value with a digit is placed inside a first-strong isolate, and whatever
   * digits remain bare (a plural's #) inside a left-to-right one: a number keeps its sign and
   * percent sign on the side a reader expects wherever the sentence puts it
   * (docs/decisions/0022-numbers-in-arabic-text.md). English needs none: its sentences run the
   * same way as its numbers.
   */
  const isolated = (placed: Set<string>, values: Values): Values => {
    const out: Values = { ...values };
    for (const name of placed) {
      const v = values[name];
      if (typeof v === "number") out[name] = FSI + argumentNumber().format(v) + PDI;
      else if (typeof v === "string" && /[0-9]/.test(v)) out[name] = FSI + v + PDI;
    }
    return out;
  };
  /** The message for an id; a message without values is formatted once and kept. */
  const t = (id: MessageId, values?: Values): string => {
    if (values === undefined) {
      const known = plain.get(id);
      if (known !== undefined) return known;
    }
    // A message of plain text is its own output: parsing it (and resolving the locale, which an
    // IntlMessageFormat does for each message) was about a quarter of the overview's hydration.
    const source = catalogue[id] ?? id;
    if (!MESSAGE_SYNTAX.test(source)) {
      const text = rtl ? isolateNumbers(source) : source;
      plain.set(id, text);
      return text;
    }
    let entry = compiled.get(id);
    if (entry === undefined) {
      const message = new IntlMessageFormat(source, tag, undefined, { ignoreTag: true });
      entry = { message, placed: rtl ? placedArguments(message.getAst()) : new Set() };
      compiled.set(id, entry);
    }
    const text = rtl
      ? isolateNumbers(String(entry.message.format(values && isolated(entry.placed, values))))
      : String(entry.message.format(values));
    if (values === undefined) plain.set(id, text);
    return text;
  };

  const numberFormats = new Map<string, Intl.NumberFormat>();
  /** A number format made once per option set; `key` names the options at the call site. */
  const numberFormat = (key: string, options: Intl.NumberFormatOptions) => {
    let format = numberFormats.get(key);
    if (format === undefined) {
      format = new Intl.NumberFormat(tag, options);
      numberFormats.set(key, format);
    }
    return format;
  };
  const monthFormat = lazily(
    () => new Intl.DateTimeFormat(tag, { year: "numeric", month: "long", timeZone: TIME_ZONE }),
  );
  const dayFormat = lazily(
    () => new Intl.DateTimeFormat(tag, { year: "numeric", month: "long", day: "numeric", timeZone: TIME_ZONE }),
  );
  const momentFormat = lazily(
    () =>
      new Intl.DateTimeFormat(tag, {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: TIME_ZONE,
      }),
  );
  const shortMonthFormat = lazily(
    () => new Intl.DateTimeFormat(tag, { month: "short", year: "2-digit", timeZone: TIME_ZONE }),
  );
  const listFormat = lazily(() => new Intl.ListFormat(tag, { type: "conjunction" }));

  const name = (item: Bilingual) => (locale === "ar" ? item.nameAr : item.nameEn);

  // A month's name is formatted over and over (a chart asks for each tick's label several times
  // while it lays out its axis), and a month's middle in Dubai is a time-zone computation: each
  // name is made once.
  const periodNames = new Map<string, string>();
  const shortNames = new Map<string, string>();
  const named = (names: Map<string, string>, format: () => Intl.DateTimeFormat, p: string) => {
    let name = names.get(p);
    if (name === undefined) {
      name = format().format(middleOf(p));
      names.set(p, name);
    }
    return name;
  };

  /** "December 2018" for 2018-12. */
  const period = (p: string) => named(periodNames, monthFormat, p);

  /** "Dec 18" for 2018-12: a chart's axis. */
  const monthShort = (p: string) => named(shortNames, shortMonthFormat, p);

  const date = (iso: string) => dayFormat().format(new Date(iso));

  /** "24 November 2026, 14:05" in Dubai time. */
  const dateTime = (iso: string) => momentFormat().format(new Date(iso));

  const number = (v: number, maximumFractionDigits = 2) =>
    numberFormat(`n${maximumFractionDigits}`, { maximumFractionDigits }).format(v);

  /** A share such as an achievement or a band: 0.875 → 87.5%. */
  const share = (v: number) => numberFormat("percent", { style: "percent", maximumFractionDigits: 1 }).format(v);

  /** A KPI value as a reader expects it for its unit: 80%, 640, 5.2 days, Yes. */
  const value = (unit: Unit, v: number | null) => {
    if (v === null) return t("value.none");
    switch (unit) {
      case "percent":
        return share(v / 100);
      case "count":
        return number(v, 0);
      case "currency":
        return numberFormat("aed", { style: "currency", currency: "AED", maximumFractionDigits: 0 }).format(v);
      case "days":
        return t("value.days", { value: Math.round(v * 10) / 10 });
      case "yes-no":
        // A yes-no KPI summed over entities is a count of them on the city row.
        return v === 1 ? t("value.yes") : v === 0 ? t("value.no") : number(v, 2);
      default:
        return number(v, 2);
    }
  };

  /** "A, B and C" with the language's own separators. */
  const list = (items: string[]) => listFormat().format(items);

  /** A change with its sign: +1.2, −0.4. */
  const signed = (v: number) => numberFormat("signed", { signDisplay: "exceptZero", maximumFractionDigits: 1 }).format(v);

  /**
   * Text written in the definitions or by a person, shown as written; in Arabic its numbers are
   * isolated as the messages' are, or "80%" would be drawn "%80" after an Arabic word.
   */
  const prose = (text: string) => (rtl ? isolateNumbers(text) : text);

  return { locale, t, name, prose, period, monthShort, date, dateTime, value, share, list, number, signed };
}
