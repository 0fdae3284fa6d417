import { useLayoutEffect, type RefObject } from "react";
import { useLocation } from "react-router-dom";

/**
 * A scrolling pane (and the window, which scrolls on a phone) starts at its top when the path
 * changes, so another issue or page does not open at the last one's offset. A change of the query
 * (a filter) keeps the place. A layout effect, so it runs before the pages' own effects that
 * scroll on purpose (an issue's detail into view, a settings section, a chat to its newest message).
 */
export function useTopOnNavigation(pane: RefObject<HTMLElement>) {
  const { pathname } = useLocation();
  useLayoutEffect(() => {
    if (pane.current) pane.current.scrollTop = 0;
    window.scrollTo(0, 0);
  }, [pathname, pane]);
}
