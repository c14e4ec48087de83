// The editors' desk in the browser: sign in, close a poll and see it closed on the article, void a
// window of votes after its preview and read the transparency sentence, download and parse a CSV,
// and axe on every desk page in light and dark mode.
import { test, expect, type Page, type Browser } from "@playwright/test";
import { violations } from "../axe";
import { addEditor } from "../editor";
import { readFileSync } from "node:fs";

const SAMPLE = "/artikel/voorbeeld-hoe-werkt-de-lezerspoll";
const SAMPLE_POLL = "/redactie/poll/nut-van-lezerspolls";
const QUESTION = "Vindt u een lezerspoll onder een nieuwsartikel nuttig?";
const NAME = "e2e-redactie";
const PASSWORD = "een wachtwoord voor de browsertests";

test.beforeAll(() => addEditor(NAME, PASSWORD));

async function signIn(page: Page): Promise<void> {
  await page.goto("/redactie");
  await expect(page).toHaveURL(/\/redactie\/aanmelden$/);
  await page.getByLabel("Naam").fill(NAME);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Aanmelden" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Polls" })).toBeVisible();
}

/** A new reader (own cookies) votes `answer` in the sample poll, with JavaScript. */
async function voteAsNewReader(browser: Browser, answer: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(SAMPLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: answer }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
  await context.close();
}

test("an editor signs in, closes a poll, sees it closed on the article and reopens it", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: QUESTION }).click();
  await expect(page.getByRole("heading", { level: 1, name: QUESTION })).toBeVisible();
  await page.getByRole("button", { name: "Nu sluiten" }).click();
  await expect(page.locator("p", { hasText: "Toestand: gesloten" })).toBeVisible();

  await page.goto(SAMPLE);
  await expect(page.getByRole("button", { name: "Stem" })).toHaveCount(0);
  await expect(page.getByText(/De poll liep van .* tot /)).toBeVisible();

  await page.goto(SAMPLE_POLL);
  await page.getByRole("button", { name: /Heropenen/ }).click();
  await expect(page.locator("p", { hasText: "Toestand: open." })).toBeVisible();
  await page.goto(SAMPLE);
  await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
});

test("an editor voids a window of votes after its preview and readers are told", async ({ page, browser }) => {
  await signIn(page);
  await page.goto(SAMPLE_POLL);
  // The form starts at the current minute (Brussels time): the votes below are cast from then on.
  const from = await page.getByLabel("Van (minuut, Brusselse tijd)").inputValue();
  for (const answer of ["Nee", "Nee", "Soms, afhankelijk van het onderwerp"]) {
    await voteAsNewReader(browser, answer);
  }
  await page.reload();
  await page.getByLabel("Van (minuut, Brusselse tijd)").fill(from);
  await page.getByRole("button", { name: "Voorbeeld bekijken" }).click();
  await expect(page.getByRole("heading", { name: "Stemmen ongeldig verklaren: voorbeeld" })).toBeVisible();
  await expect(page.getByText(/brachten 3 lezers een stem uit/)).toBeVisible();
  await expect(page.getByRole("row", { name: /^Nee 2/ })).toBeVisible();
  await page.getByRole("button", { name: "Deze 3 stemmen ongeldig verklaren" }).click();
  await expect(page.getByRole("heading", { level: 1, name: QUESTION })).toBeVisible();
  await expect(page.getByRole("button", { name: "Herstellen" })).toBeVisible();

  await page.goto(SAMPLE);
  await expect(
    page.getByText(/^3 stemmen uit een ongewone piek (op|van) .* zijn niet meegeteld\.$/),
  ).toBeVisible();

  // Restored, the sentence goes and the votes count again.
  await page.goto(SAMPLE_POLL);
  await page.getByRole("button", { name: "Herstellen" }).click();
  await expect(page.getByText(/hersteld door e2e-redactie/)).toBeVisible();
  await page.goto(SAMPLE);
  await expect(page.getByText(/ongewone piek/)).toHaveCount(0);
});

test("the totals download as semicolon CSV with a BOM that parses", async ({ page }) => {
  await signIn(page);
  await page.goto(SAMPLE_POLL);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Stand (totalen)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("nut-van-lezerspolls-totalen.csv");
  const bytes = readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = bytes
    .toString("utf8")
    .slice(1)
    .trim()
    .split("\r\n")
    .map((line) => line.split(";"));
  expect(rows[0]).toEqual(["antwoord", "stemmen", "percentage"]);
  // The answers, then the readers who voted and, when the views could be read, how often the
  // poll was seen with the voters' share of it.
  const seen = rows.findIndex((row) => row[0] === "keer gezien (schatting)");
  if (seen >= 0) {
    expect(seen).toBe(rows.length - 1);
    expect(Number.isInteger(Number(rows[seen][1]))).toBe(true);
    rows.pop();
  }
  const answers = rows.slice(1, -1);
  expect(answers.map((row) => row[0])).toEqual([
    "Ja, ik zie graag wat andere lezers denken",
    "Soms, afhankelijk van het onderwerp",
    "Nee",
  ]);
  const votes = answers.map((row) => Number(row[1]));
  expect(votes.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
  const last = rows[rows.length - 1];
  expect(last[0]).toBe("lezers die stemden");
  expect(Number(last[1])).toBeGreaterThanOrEqual(3);
  const shares = answers.map((row) => Number(row[2]));
  expect(shares.reduce((a, b) => a + b, 0)).toBe(100);
});

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`axe on the desk in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("every desk page has no violations", async ({ page }) => {
      await page.goto("/redactie/aanmelden");
      expect(await violations(page)).toEqual([]);
      await page.getByLabel("Naam").fill(NAME);
      await page.getByLabel("Wachtwoord").fill("niet het wachtwoord");
      await page.getByRole("button", { name: "Aanmelden" }).click();
      await expect(page.getByRole("alert")).toContainText("horen niet bij elkaar");
      expect(await violations(page)).toEqual([]);

      await signIn(page);
      expect(await violations(page)).toEqual([]);
      await page.goto(SAMPLE_POLL);
      expect(await violations(page)).toEqual([]);
      await page.getByRole("button", { name: "Voorbeeld bekijken" }).click();
      await expect(page.getByRole("heading", { name: "Stemmen ongeldig verklaren: voorbeeld" })).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.goto("/redactie/logboek");
      expect(await violations(page)).toEqual([]);
      await page.goto("/redactie/poll/bestaat-niet");
      await expect(page.getByRole("heading", { name: "Dat lukte niet" })).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });
  });
}
