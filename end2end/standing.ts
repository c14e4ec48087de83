// What the poll's standing shows, read the way the browser tests compare counts.
import type { Page } from "@playwright/test";

/** The number of voters the standing shows: "N lezers stemden.", "1 lezer stemde.", or 0 for
 *  "Nog niemand …". */
export async function votersShown(page: Page): Promise<number> {
  const text = await page.locator(".poll-total").innerText();
  if (text.startsWith("Nog niemand")) return 0;
  return Number(text.split(" ")[0].replace(/\./g, ""));
}
