// One figure on one screen: with JavaScript, every count of a poll on the page (the standing's
// "N lezers stemden." and the transparency box's "Tot nu toe stemden N lezers.") says the same,
// after the reader's own vote and when live results bring another reader's; on the article and on
// the embed, on a phone in dark mode as the issue was found.
import { test, expect, type Browser, type Page } from "@playwright/test";
import { votersShown } from "../standing";

const ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";
// The article's poll on the article and in its embed: the sample poll's votes are counted by the
// minute in desk.spec.ts, which runs after this file.
const POLL = "deepseek-schade-nvidia";

/** A reader on a phone in dark mode, on `path`, once the poll island has taken over. */
async function reader(browser: Browser, path: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    colorScheme: "dark",
  });
  const page = await context.newPage();
  await page.goto(path);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  return page;
}

/** Votes for the first answer, with JavaScript, and waits for the poll to show the vote. */
async function vote(page: Page): Promise<void> {
  await page.locator(".poll-option input").first().check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
}

/** Every count of voters the page shows for `poll`, as the reader reads them, with its number. */
async function countsShown(page: Page, poll: string): Promise<{ text: string; voters: number }[]> {
  const texts = [
    await page.locator(".poll-total").innerText(),
    await page.locator(`#poll-facts-voters-${poll}`).innerText(),
  ];
  return texts.map((text) => {
    const figure = text.match(/\d[\d.]*/);
    expect(figure, `a count in "${text}"`).not.toBeNull();
    return { text, voters: Number(figure![0].replace(/\./g, "")) };
  });
}

/** Every count on the page is `voters`, each in the grammar of its number. */
async function expectEveryCount(page: Page, poll: string, voters: number): Promise<void> {
  await expect
    .poll(async () => (await countsShown(page, poll)).map((count) => count.voters), { timeout: 10_000 })
    .toEqual([voters, voters]);
  const [standing, box] = await countsShown(page, poll);
  if (voters === 1) {
    expect(standing.text).toBe("1 lezer stemde.");
    expect(box.text).toBe("Tot nu toe stemde 1 lezer.");
  } else {
    expect(standing.text).toMatch(/^[\d.]+ lezers stemden\.$/);
    expect(box.text).toMatch(/^Tot nu toe stemden [\d.]+ lezers\.$/);
  }
}

for (const [where, path] of [
  ["article", ARTICLE],
  ["embed", `/embed/${POLL}`],
]) {
  const poll = POLL;
  test(`on the ${where}, after a vote with JavaScript, the box counts the vote as the poll does`, async ({
    browser,
  }) => {
    const page = await reader(browser, path);
    await vote(page);
    // The standing the vote's answer brought is the poll's count, the reader's vote in it (the
    // page itself may come from the page cache, a little older); the box must say the same.
    const standing = await votersShown(page);
    expect(standing).toBeGreaterThan(0);
    await expectEveryCount(page, poll, standing);
    await page.context().close();
  });

  test(`on the ${where}, another reader's vote arrives live in the poll and the box alike`, async ({
    browser,
  }) => {
    const first = await reader(browser, path);
    await vote(first);
    const counted = (await countsShown(first, poll))[0].voters;
    await expectEveryCount(first, poll, counted);
    const second = await reader(browser, path);
    await vote(second);
    await expectEveryCount(second, poll, counted + 1);
    // No reload: the live standing brings the second vote to the first reader's poll and box.
    await expectEveryCount(first, poll, counted + 1);
    await first.context().close();
    await second.context().close();
  });
}
