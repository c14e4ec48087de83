// The accessibility check every browser test shares: axe with the WCAG 2.0/2.1/2.2 A and AA rules.
import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Runs axe and returns the violations, summarised; checks that the rules that matter here ran. */
export async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  // An empty page would pass too: make sure the rules that matter here did run.
  const ran = results.passes.map((rule) => rule.id);
  expect(ran).toEqual(expect.arrayContaining(["color-contrast", "html-has-lang", "document-title"]));
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
}
