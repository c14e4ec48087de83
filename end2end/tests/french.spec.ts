// One poll in Dutch and in French, one tally: a reader votes in the French embed (with and without
// JavaScript), every word of the card is French, and the Dutch article counts the same vote and
// shows it as theirs; axe finds nothing on the French pages in either colour scheme.
import { test, expect, type Page } from "@playwright/test";
import { violations } from "../axe";
import { votersShown } from "../standing";

const POLL = "deepseek-schade-nvidia";
const FRENCH_EMBED = `/fr/embed/${POLL}`;
const FRENCH_ARTICLE = "/fr/article/deepseek-nvidia-valeur-boursiere";
const DUTCH_ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";
const FRENCH_QUESTION = "DeepSeek nuit-il durablement à Nvidia\u00a0?";
const DUTCH_QUESTION = "Brengt DeepSeek blijvende schade toe aan Nvidia?";

/** The number of voters a French standing shows: "1 234 lecteurs ont voté.", "Personne …". */
async function frenchVotersShown(page: Page): Promise<number> {
  const text = await page.locator(".poll-total").innerText();
  if (text.startsWith("Personne")) return 0;
  return Number(text.split(" lecteur")[0].replace(/\D/g, ""));
}

test("a vote in the French embed with JavaScript counts in the Dutch article's tally", async ({ page }) => {
  await page.goto(FRENCH_EMBED);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr-BE");
  await expect(page.getByRole("group", { name: FRENCH_QUESTION })).toBeVisible();
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: "Oui" }).check();
  await page.getByRole("button", { name: "Voter" }).click();
  await expect(page.locator(".poll-own-vote")).toContainText("Votre vote");
  await expect(page.locator(".poll-own-vote")).toContainText("Oui");
  await expect(page.locator(".poll-card [aria-live]")).toContainText("Votre vote pour");
  const french = await frenchVotersShown(page);
  expect(french).toBeGreaterThan(0);
  await expect(page.locator(".poll-facts")).toContainText("À propos de ce sondage");

  // The same reader on the Dutch article: their vote, in Dutch, no second vote, the same count.
  await page.goto(DUTCH_ARTICLE);
  await expect(page.locator(".poll-own-vote")).toContainText("Uw stem");
  await expect(page.locator(".poll-own-vote")).toContainText("Ja");
  await expect(page.getByRole("button", { name: "Stem" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: DUTCH_QUESTION })).toBeVisible();
  expect(await votersShown(page)).toBe(french);
});

test("a vote in the French embed without JavaScript comes back to it in French", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(FRENCH_EMBED);
  await page.getByRole("radio", { name: "Non" }).check();
  await page.getByRole("button", { name: "Voter" }).click();
  await expect(page).toHaveURL(new RegExp(`${FRENCH_EMBED}#poll$`));
  await expect(page.locator(".poll-own-vote")).toContainText("Votre vote");
  await expect(page.locator(".poll-own-vote")).toContainText("Non");
  const french = await frenchVotersShown(page);

  // The French article shows the same vote, and the Dutch article the same count.
  await page.goto(FRENCH_ARTICLE);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr-BE");
  await expect(page.locator(".poll-own-vote")).toContainText("Non");
  await page.goto(DUTCH_ARTICLE);
  await expect(page.locator(".poll-own-vote")).toContainText("Nee");
  expect(await votersShown(page)).toBe(french);
  await context.close();
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`the French pages have no axe violations in ${colorScheme} mode`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, locale: "fr-BE" });
    const page = await context.newPage();
    for (const path of [FRENCH_EMBED, FRENCH_ARTICLE, "/fr/vie-privee"]) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("lang", "fr-BE");
      expect(await violations(page), path).toEqual([]);
    }
    await context.close();
  });
}
