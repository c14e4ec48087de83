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
