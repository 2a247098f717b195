import arabicFace400 from "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff2?url";
import arabicFace700 from "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff2?url";
import latinFace400 from "@fontsource/noto-sans-arabic/files/noto-sans-arabic-latin-400-normal.woff2?url";
import latinFace700 from "@fontsource/noto-sans-arabic/files/noto-sans-arabic-latin-700-normal.woff2?url";
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { RawIntlProvider } from "react-intl";
import { DEFAULT_LOCALE, direction, type Locale } from "./i18n/locale";
import { intlFor } from "./i18n/format";
import { resolveLocale } from "./i18n/locale.server";
import { useT } from "./i18n/use-t";
import { en, type MessageId } from "./i18n/messages";
import type { ErrorMessage } from "./utils/error-message";
import { currentUser } from "./auth/guard.server";
import { can } from "./auth/permissions";
import { csrfToken } from "./auth/csrf.server";
import { CsrfInput } from "./components/csrf-input";
import { useFollowLinks } from "./components/follow-links";
import { navItems, type NavItem } from "./components/nav-items";
import { installPrintListeners } from "./components/printing";
import { databaseFacts } from "./models/kpis.server";
import { pageTitle } from "./utils/meta";
import { useNonce } from "./utils/nonce";
import styles from "./styles/app.css?url";
import { db } from "./utils/db.server";
import { unreadCount } from "./notices/outbox.server";

export const links: LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "stylesheet", href: styles },
];

/**
 * The faces of the page's own script (styles/fonts.css: an English page sets its text in the
 * typeface's Latin faces alone), fetched alongside the stylesheet rather than after it: set
 * first in the fallback font, which is wider, the header wrapped onto a second line and the whole
 * page moved down when the face arrived (a layout shift of 0.15).
 */
const FONT_PRELOADS: Record<Locale, string[]> = {
  en: [latinFace400, latinFace700],
  ar: [arabicFace400, arabicFace700],
};

// The root loader runs for the sign-in page too, so it asks nothing of the visitor: each route
// below checks who is asking, itself.
export async function loader({ request }: LoaderFunctionArgs) {
  const locale = resolveLocale(request);
  const { demo } = databaseFacts(db());
  const user = currentUser(request);
  const csrf = csrfToken(request);
  return data(
    {
      locale,
      demo,
      csrfToken: csrf.token,
      user: user ? { name: user.name, email: user.email, role: user.role, entityCode: user.entityCode } : null,
      canManageUsers: can(user, "users:manage"),
      canReview: can(user, "figures:review"),
      canLock: can(user, "periods:lock"),
      canExport: can(user, "reports:export"),
      canPrint: can(user, "reports:print"),
      canUseTokens: can(user, "tokens:manage"),
      canReadOutbox: can(user, "outbox:read"),
      canReadBriefing: can(user, "briefing:read"),
      unread: user ? unreadCount(db(), user.id) : 0,
    },
    csrf.setCookie ? { headers: { "Set-Cookie": csrf.setCookie } } : undefined,
  );
}

function LanguageSwitch({ locale }: { locale: Locale }) {
  const t = useT();
  const location = useLocation();
  const search = new URLSearchParams(location.search);
  search.delete("lang");
  const here = `${location.pathname}${search.size ? `?${search}` : ""}`;
  const other: Locale = locale === "ar" ? "en" : "ar";
  return (
    <a
      className="language-switch"
      href={`/locale?${new URLSearchParams({ lang: other, to: here })}`}
      hrefLang={other}
      lang={other}
      aria-label={`${t("lang.label")}: ${t("lang.other")}`}
    >
      {t("lang.other")}
    </a>
  );
}

/** The way to one's notices, with how many are unread: in words for a screen reader. */
function NoticesLink({ unread, item }: { unread: number; item: NavItem }) {
  const t = useT();
  const { className, "aria-current": current } = item("/notices", { className: "notices-link" });
  return (
    <Link
      to="/notices"
      className={className}
      aria-current={current}
      aria-label={unread > 0 ? t("notices.nav.unread", { count: unread }) : undefined}
    >
      {unread > 0 ? t("notices.nav.count", { count: unread }) : t("notices.nav")}
    </Link>
  );
}

type RootData = ReturnType<typeof useRouteLoaderData<typeof loader>>;

function Shell({ locale, root, children }: { locale: Locale; root: RootData; children: ReactNode }) {
  const t = useT();
  const user = root?.user ?? null;
  const item = navItems(useLocation().pathname);
  const follow = useFollowLinks();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header>
        <div className="app-header">
        <div className="brand">
          <Link to="/" className="brand-title">
            {t("app.title")}
          </Link>
          <span className="brand-subtitle">{t("app.subtitle")}</span>
        </div>
        {user ? (
          // Plain anchors marked as NavLink marked them, followed by one listener (decision 27).
          <nav aria-label={t("nav.label")} className="app-nav" onClick={follow}>
            {user.role !== "executive" ? <a {...item("/round")}>{t("nav.round")}</a> : null}
            <a {...item("/", { end: true })}>{t("nav.overview")}</a>
            {user.role === "focal-point" && user.entityCode ? (
              <a {...item(`/entities/${user.entityCode}`)}>{t("nav.myScorecard")}</a>
            ) : null}
            <a {...item("/kpis")}>{t("nav.catalogue")}</a>
            <a {...item("/figures")}>{t("nav.figures")}</a>
            {root?.canReview ? <a {...item("/review")}>{t("nav.review")}</a> : null}
            {root?.canExport ? <a {...item("/reports")}>{t("nav.reports")}</a> : null}
            {root?.canReadBriefing ? <a {...item("/briefing")}>{t("nav.briefing")}</a> : null}
            {root?.canUseTokens ? <a {...item("/settings/tokens")}>{t("nav.tokens")}</a> : null}
            {root?.canLock ? <a {...item("/periods")}>{t("nav.periods")}</a> : null}
            {root?.canManageUsers ? <a {...item("/admin/users")}>{t("nav.users")}</a> : null}
            {root?.canReadOutbox ? <a {...item("/outbox")}>{t("outbox.nav")}</a> : null}
          </nav>
        ) : (
          <span className="app-nav" />
        )}
        <LanguageSwitch locale={locale} />
        {user ? (
          <form method="post" action="/logout" className="sign-out">
            <span className="signed-in-as">{t("nav.signedInAs", { name: user.name, role: t(`role.${user.role}`) })}</span>
            <NoticesLink unread={root?.unread ?? 0} item={item} />
            <Link to="/settings/password" className="password-link">
              {t("nav.password")}
            </Link>
            <CsrfInput />
            <button type="submit">{t("nav.signOut")}</button>
          </form>
        ) : null}
        </div>
        {root?.demo ? (
          <p className="demo-banner" role="note">
            {t("demo.banner")}
          </p>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  // Missing when the root loader itself failed: the error page still gets a language.
  const root = useRouteLoaderData<typeof loader>("root");
  const locale = root?.locale ?? DEFAULT_LOCALE;
  const nonce = useNonce();
  return (
    <html lang={locale} dir={direction(locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {FONT_PRELOADS[locale].map((href) => (
          <link key={href} rel="preload" href={href} as="font" type="font/woff2" crossOrigin="anonymous" />
        ))}
        <Links />
      </head>
      <body>
        <RawIntlProvider value={intlFor(locale)}>
          <Shell locale={locale} root={root}>
            {children}
          </Shell>
        </RawIntlProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  // Marks the page as interactive: browser tests wait for it before typing into live fields.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
    // Every page opens its folded parts for print, with or without a chart on it.
    installPrintListeners();
    // The PDF button's fallback where the server has no Chromium: print from the browser.
    if (new URLSearchParams(window.location.search).get("print") === "1") window.print();
  }, []);
  return <Outlet />;
}

const KNOWN_STATUSES = [400, 403, 404, 500] as const;

function errorMessage(value: unknown): ErrorMessage | null {
  if (!value || typeof value !== "object") return null;
  const { message, params } = value as { message?: unknown; params?: unknown };
  if (typeof message !== "string" || !(message in en)) return null;
  return { message: message as MessageId, params: params && typeof params === "object" ? (params as ErrorMessage["params"]) : undefined };
}

/** The status an error page explains: anything else a user could cause is a bad request. */
function shownStatus(error: unknown): (typeof KNOWN_STATUSES)[number] {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if ((KNOWN_STATUSES as readonly number[]).includes(status)) return status as (typeof KNOWN_STATUSES)[number];
  return status >= 400 && status < 500 ? 400 : 500;
}

// Only an error page rendered here needs a title from the root: every page has its own.
export const meta: MetaFunction = ({ error, matches }) => (error ? pageTitle(matches, `error.${shownStatus(error)}.title`) : []);

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = shownStatus(error);
  // A refusal that says what was wrong (utils/http.server.ts) is explained in the reader's words.
  const said = isRouteErrorResponse(error) ? errorMessage(error.data) : null;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">{t("error.status", { status })}</p>
      <h1 id="error-title">{t(`error.${key}.title`)}</h1>
      <p>{said ? t(said.message, said.params) : t(`error.${key}.body`)}</p>
      <p>
        <Link to="/">{t("error.home")}</Link>
      </p>
    </section>
  );
}
