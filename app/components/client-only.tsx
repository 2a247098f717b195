import { useSyncExternalStore, type ReactNode } from "react";

const subscribe = () => () => {};

/**
 * False on the server and while React hydrates the server HTML, true from then on. Built on
 * useSyncExternalStore (as remix-utils does) rather than useState + useEffect: the hydrating
 * render still matches the server's HTML, but a component mounted later, on a client-side
 * navigation, is true at once and does not flash its fallback.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

/**
 * Renders `children()` in the browser only, `fallback` on the server and during hydration. The
 * children are a function so that nothing browser-only is even built on the server.
 */
export function ClientOnly({
  children,
  fallback = null,
}: {
  children: () => ReactNode;
  fallback?: ReactNode;
}) {
  return <>{useHydrated() ? children() : fallback}</>;
}
