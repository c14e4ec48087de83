// The reader's walk: open the article, vote in the poll, see the results — with and without JavaScript.
import { test, expect, type Page, type Browser } from "@playwright/test";
import { votersShown } from "../standing";

const ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";
const QUESTION = "Brengt DeepSeek blijvende schade toe aan Nvidia?";

/** Collects console errors and uncaught exceptions; a failed hydration shows up here. */
function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}


/** Waits until the poll island has hydrated, so a click is handled by it and not by the browser. */
async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
}

async function voteWithJavaScript(browser: Browser, answer: string): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(ARTICLE);
  await waitForHydration(page);
  await page.getByRole("radio", { name: answer }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.getByRole("heading", { name: QUESTION })).toBeVisible();
  const voters = await votersShown(page);
  await context.close();
  return voters;
}

test("the article is server-rendered with its poll at the bottom", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page).toHaveTitle(/589 miljard dollar/);
  await expect(page.locator("html")).toHaveAttribute("lang", "nl-BE");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("589 miljard dollar");
  await expect(page.getByText("Het Chinese DeepSeek zet de techwereld op haar kop.", { exact: false })).toBeVisible();
  const poll = page.getByRole("group", { name: QUESTION });
  await expect(poll).toBeVisible();
  await expect(poll.getByRole("radio")).toHaveCount(3);
  await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
});

test("with JavaScript: the vote shows results in place, without a reload, and they stay", async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto(ARTICLE);
  await waitForHydration(page);
  // A marker on window survives only if the page is not reloaded.
  await page.evaluate(() => ((window as any).stembusMarker = "zelfde pagina"));

  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();

  const resultsHeading = page.getByRole("heading", { name: QUESTION });
  await expect(resultsHeading).toBeVisible();
  await expect(resultsHeading).toBeFocused();
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Nee/);
  await expect(page.getByRole("group", { name: QUESTION })).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).stembusMarker)).toBe("zelfde pagina");
  expect(page.url()).not.toContain("/api/");
  const voters = await votersShown(page);
  expect(voters).toBeGreaterThanOrEqual(1);

  await page.reload();
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Nee/);
  // Readers with the same answers share their page for up to 2 s (VOTER_PAGE_TTL): one who voted
  // "Nee" just before may have left it with the count before this vote.
  await expect
    .poll(async () => {
      await page.reload();
      return votersShown(page);
    })
    .toBe(voters);
  await expect(page.getByRole("button", { name: "Stem" })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form posts, and the reader lands back on the poll with the results", async ({ page }) => {
    await page.goto(ARTICLE);
    await page.getByRole("radio", { name: "Weet ik niet" }).check();
    await page.getByRole("button", { name: "Stem" }).click();

    await expect(page).toHaveURL(new RegExp(`${ARTICLE}#poll$`));
    await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Weet ik niet/);
    await expect(page.locator(".poll-result-own")).toContainText("Weet ik niet");
    await expect(page.getByRole("button", { name: "Stem" })).toHaveCount(0);
    expect(await votersShown(page)).toBeGreaterThanOrEqual(1);
  });

  test("a vote for an answer that is not in the poll gets a Dutch error and is not stored", async ({ page }) => {
    await page.goto(ARTICLE);
    // A tampered form: the answer's value no longer matches any answer of the poll.
    await page.locator("input[name=choice][value=ja]").evaluate((input) => {
      (input as HTMLInputElement).value = "misschien";
    });
    // Without JavaScript in the page, the tampering above ran through Playwright's own channel.
    await page.getByRole("radio", { name: "Ja" }).check();
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/stem")),
      page.getByRole("button", { name: "Stem" }).click(),
    ]);
    expect(response.status()).toBe(400);
    await expect(page.getByRole("heading", { name: "Uw stem is niet geregistreerd" })).toBeVisible();
    await expect(page.getByText("Kies een van de antwoorden in de poll.")).toBeVisible();
    await page.getByRole("link", { name: "Terug naar de poll" }).click();
    await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
  });
});

test("a second reader's vote adds to the totals the first one saw", async ({ browser }) => {
  const afterFirst = await voteWithJavaScript(browser, "Ja");
  const afterSecond = await voteWithJavaScript(browser, "Nee");
  expect(afterSecond).toBe(afterFirst + 1);
});

test("with JavaScript, an unknown answer shows the Dutch error at the poll and stores nothing", async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto(ARTICLE);
  await waitForHydration(page);
  // The island sends only the poll's own answers; a tampered request is made on the wire instead.
  await page.route("**/api/stem", (route) =>
    route.continue({ postData: "poll=deepseek-schade-nvidia&choice=misschien" }),
  );
  await page.getByRole("radio", { name: "Ja" }).check();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/stem")),
    page.getByRole("button", { name: "Stem" }).click(),
  ]);
  expect(response.status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("Kies een van de antwoorden in de poll.");
  await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
  await page.unroute("**/api/stem");
  await page.reload();
  await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
  // The browser reports the 400 response itself; no other error may appear.
  expect(errors.filter((e) => !e.includes("400"))).toEqual([]);
});

test("an unknown article gets a Dutch 404", async ({ page }) => {
  const response = await page.goto("/artikel/bestaat-niet");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Pagina niet gevonden" })).toBeVisible();
});

test("a reader changes their vote where the poll allows it, with the previous answer ticked", async ({ page }) => {
  const sample = "/artikel/voorbeeld-hoe-werkt-de-lezerspoll";
  await page.goto(sample);
  await waitForHydration(page);
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toContainText("Uw stem: Nee");
  const before = await votersShown(page);

  // On the page the vote was taken on, the form comes back in place, the keyboard on the answer.
  await page.getByRole("link", { name: "wijzigen" }).click();
  await expect(page.getByRole("radio", { name: "Nee" })).toBeChecked();
  await expect(page.getByRole("radio", { name: "Nee" })).toBeFocused();
  await page.getByRole("radio", { name: /^Soms/ }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toContainText("Uw stem: Soms, afhankelijk van het onderwerp");
  await expect(page.getByRole("button", { name: "Stem" })).toBeHidden();
  expect(await votersShown(page)).toBe(before);

  // A page that came with the standing has no form: the link loads the form's page.
  await page.reload();
  await waitForHydration(page);
  await page.getByRole("link", { name: "wijzigen" }).click();
  await expect(page).toHaveURL(/\?wijzigen#poll$/);
  await expect(page.getByRole("radio", { name: /^Soms/ })).toBeChecked();
  await waitForHydration(page);
  await page.getByRole("radio", { name: /^Ja/ }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toContainText("Uw stem: Ja, ik zie graag");

  // Again on that page: the link is the page's own address, which the browser would only scroll
  // to; the form comes back all the same.
  await page.getByRole("link", { name: "wijzigen" }).click();
  await expect(page.getByRole("radio", { name: /^Ja/ })).toBeChecked();
  await expect(page.getByRole("radio", { name: /^Ja/ })).toBeFocused();
  expect(await votersShown(page)).toBe(before);
});

test("the page hydrates and votes under its Content-Security-Policy, with no violation", async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as any).cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`),
    );
  });
  const response = await page.goto(ARTICLE);
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toContain("unsafe-inline");
  await waitForHydration(page);
  await page.getByRole("radio", { name: "Ja" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Ja/);
  expect(await page.evaluate(() => (window as any).cspViolations)).toEqual([]);
});
