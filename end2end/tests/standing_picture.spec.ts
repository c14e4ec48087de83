// The standing as a picture in the browser: the desk's poll page shows it with its download and
// the newsletter block, axe finds nothing there in light and dark mode, and a link from that block
// opens the article with its answer ticked and no vote cast.
import { test, expect, type Page } from "@playwright/test";
import { violations } from "../axe";
import { addEditor } from "../editor";

const NAME = "e2e-picture";
const PASSWORD = "een wachtwoord voor de afbeelding";
const POLL = "deepseek-schade-nvidia";
const QUESTION = "Brengt DeepSeek blijvende schade toe aan Nvidia?";

test.beforeAll(() => {
  addEditor(NAME, PASSWORD);
});

async function signIn(page: Page): Promise<void> {
  await page.goto("/redactie");
  await page.getByLabel("Naam").fill(NAME);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Aanmelden" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Polls" })).toBeVisible();
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`the desk's picture block in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("shows the picture in both languages, its download and the newsletter block, without axe violations", async ({
      page,
    }) => {
      await signIn(page);
      await page.goto(`/redactie/poll/${POLL}`);
      const section = page.getByRole("region", { name: "De stand als afbeelding" });
      await expect(section).toBeVisible();
      const pictures = section.getByRole("img");
      await expect(pictures).toHaveCount(2);
      await expect(pictures.first()).toHaveAttribute("alt", new RegExp(`^${QUESTION.replace("?", "\\?")}`));
      // The picture really loads: a PNG of 1200 x 630.
      const width = await pictures.first().evaluate(async (img: HTMLImageElement) => {
        await img.decode();
        return img.naturalWidth;
      });
      expect(width).toBe(1200);
      await expect(section.getByRole("link", { name: "Afbeelding downloaden (Nederlands)" })).toHaveAttribute(
        "download",
        `stembus-${POLL}-nl-BE.png`,
      );
      const block = section.getByLabel("Blok voor een nieuwsbrief om te kopiëren (Nederlands)");
      await expect(block).toHaveValue(/\?keuze=nee#poll/);
      expect(await violations(page)).toEqual([]);
    });
  });
}

test("a link from the newsletter block ticks its answer and casts no vote", async ({ page }) => {
  await page.goto("/artikel/deepseek-nvidia-beurswaarde?keuze=nee#poll");
  await expect(page.getByRole("radio", { name: "Nee" })).toBeChecked();
  await expect(page.getByRole("radio", { name: "Ja" })).not.toBeChecked();
  expect(await violations(page)).toEqual([]);
  // Opening the link voted nothing: the reader still has the form, nothing ticked.
  await page.goto("/artikel/deepseek-nvidia-beurswaarde");
  await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Nee" })).not.toBeChecked();
  await expect(page.locator(".poll-own-vote")).toHaveCount(0);
});
