// Live results: two readers on the same article; when the second votes, the first sees the count
// change without reloading, and the screen reader's live region stays quiet about it.
import { test, expect, type Browser, type Page } from "@playwright/test";
import { votersShown } from "../standing";

const ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";

async function readerWhoVoted(browser: Browser, answer: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: answer }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
  return page;
}


test("the first reader sees the second reader's vote arrive without reloading", async ({ browser }) => {
  const first = await readerWhoVoted(browser, "Ja");
  const before = await votersShown(first);
  const announced = await first.locator("[aria-live]").innerText();
  const second = await readerWhoVoted(browser, "Nee");
  expect(await votersShown(second)).toBe(before + 1);
  await expect.poll(() => votersShown(first), { timeout: 10_000 }).toBe(before + 1);
  expect(await first.locator("[aria-live]").innerText()).toBe(announced);
  await first.context().close();
  await second.context().close();
});

const VOTE = "**/api/stem";
const LIVE = "**/api/polls/*/live*";

/** A live stream as the server writes it, of `readings` (each a standing event's data), after
 *  which the browser would wait ten minutes to reconnect. */
function stream(readings: object[]): string {
  return readings.map((data) => `retry: 600000\nevent: standing\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

/** Every text the standing's count is given from now on, in `window.totals`. */
async function recordTotals(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { totals: string[] }).totals = seen;
    const card = document.querySelector(".poll-card")!;
    new MutationObserver(() => {
      const total = card.querySelector(".poll-total")?.textContent;
      if (total) seen.push(total);
    }).observe(card, { childList: true, characterData: true, subtree: true });
  });
}

const totals = (page: Page) => page.evaluate(() => (window as unknown as { totals: string[] }).totals);

test("a live reading begun before the reader's vote does not replace the vote's answer, one begun after it does", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  let answer: { voters: number; read_at: number } | undefined;
  await page.route(VOTE, async (route) => {
    const response = await route.fetch();
    answer = await response.json();
    await route.fulfill({ response });
  });
  let recording!: () => void;
  const recorded = new Promise<void>((resolve) => (recording = resolve));
  await page.route(LIVE, async (route) => {
    await recorded;
    // Both with as many voters as the answer: what a changed vote looks like, before and after.
    const reading = (total: string, read_at: number) => ({ voters: answer!.voters, total, options: [], read_at });
    await route.fulfill({
      contentType: "text/event-stream",
      body: stream([reading("OUDE STAND", answer!.read_at - 400), reading("NIEUWE STAND", answer!.read_at + 1)]),
    });
  });
  await page.getByRole("radio", { name: "Ja" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
  expect(answer!.read_at, "the answer says when its standing was read").toBeGreaterThan(0);
  await recordTotals(page);
  recording();
  await expect(page.locator(".poll-total")).toHaveText("NIEUWE STAND");
  expect(await totals(page)).not.toContain("OUDE STAND");
});

test("a live reading with fewer voters than the page showed, read after it (a voided window), is shown", async ({ page }) => {
  // A reader who voted comes back: the page shows the standing, and the island follows it.
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
  await page.route(LIVE, (route) =>
    route.fulfill({
      contentType: "text/event-stream",
      // The server's clock is this machine's: a reading from a moment after the page was made.
      body: stream([{ voters: 0, total: "Nog niemand stemde.", options: [], read_at: Date.now() + 5_000 }]),
    }),
  );
  await page.reload();
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  expect(Number(await page.locator(".poll-total").getAttribute("data-read-at"))).toBeGreaterThan(0);
  await expect(page.locator(".poll-total")).toHaveText("Nog niemand stemde.");
});
