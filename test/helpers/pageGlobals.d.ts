/**
 * The browser globals that Playwright predicates use (`page.waitForFunction(() => …)` runs them in
 * the page). Declared narrowly because the tests compile without the DOM library; predicates are
 * functions, not strings, since the dashboard's CSP forbids evaluating strings.
 */
interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}

declare const location: { readonly hash: string };
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { readonly length: number };
};
