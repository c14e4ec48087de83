// A full node, seen from the island: a refused vote is sent again, with pauses and one idempotency
// key, and counts once. The route stands in for the full node (the release server cannot be made to
// refuse exactly twice); what a reader without JavaScript gets is the router tests' (overload.rs).
import { test, expect, type Browser, type Page, type Request } from "@playwright/test";
import { votersShown } from "../standing";

const ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";
const QUESTION = "Brengt DeepSeek blijvende schade toe aan Nvidia?";
const VOTE = "**/api/stem";
/** The refusals as the server words them for the island. */
const BUSY = JSON.stringify({
  error: "Busy",
  message: "Het is erg druk: uw stem is nog niet geteld. Probeer het over enkele seconden opnieuw.",
});
const UNAVAILABLE = JSON.stringify({
  error: "Unavailable",
  message: "De stemming is tijdelijk niet beschikbaar. Probeer het zo meteen opnieuw.",
});


/** A reader who voted without trouble, whose page shows the standing: the witness of the count. */
async function witness(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.getByRole("heading", { name: QUESTION })).toBeVisible();
  return page;
}

/** The idempotency key a vote's form body carries. */
function keyOf(request: Request): string | null {
  return new URLSearchParams(request.postData() ?? "").get("key");
}

test("a vote the node refused twice, once after storing it, is sent again and counts once", async ({ browser, page }) => {
  const seen = await witness(browser);
  const before = await votersShown(seen);
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();

  const keys: (string | null)[] = [];
  let attempt = 0;
  await page.route(VOTE, async (route) => {
    attempt += 1;
    keys.push(keyOf(route.request()));
    if (attempt === 1) {
      // The server stores the vote, but its answer is lost on the way: the reader sees a 503.
      const stored = await route.fetch();
      expect(stored.status()).toBe(200);
      await route.fulfill({ status: 503, headers: { "retry-after": "1" }, contentType: "application/json", body: UNAVAILABLE });
    } else if (attempt === 2) {
      // The node is full: refused before the store.
      await route.fulfill({ status: 503, headers: { "retry-after": "1" }, contentType: "application/json", body: BUSY });
    } else {
      await route.continue();
    }
  });

  await page.getByRole("radio", { name: "Ja" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-card [aria-live=polite]")).toHaveText(
    "Het is erg druk; we proberen uw stem opnieuw te versturen…",
  );
  await expect(page.getByRole("heading", { name: QUESTION })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Ja/);

  expect(attempt).toBe(3);
  // A random UUID, as `crypto.randomUUID` writes it.
  expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(keys).size, "every try carries the same key").toBe(1);
  expect(await votersShown(page), "counted once").toBe(before + 1);
  await seen.reload();
  expect(await votersShown(seen)).toBe(before + 1);
});

test("a vote the node keeps refusing is given up after four tries and said not to be counted", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  let attempts = 0;
  await page.route(VOTE, (route) => {
    attempts += 1;
    return route.fulfill({ status: 503, headers: { "retry-after": "0" }, contentType: "application/json", body: BUSY });
  });
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.getByRole("alert")).toHaveText(/uw stem is nog niet geteld/, { timeout: 20_000 });
  expect(attempts).toBe(4);
  await expect(page.getByRole("radio", { name: "Nee" })).toBeChecked();
  await expect(page.getByRole("button", { name: "Stem" })).toBeEnabled();
});

test("a vote given up on without an answer and sent again by the reader keeps its key and counts once", async ({ browser, page }) => {
  const seen = await witness(browser);
  const before = await votersShown(seen);
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  const keys: (string | null)[] = [];
  let attempt = 0;
  await page.route(VOTE, async (route) => {
    attempt += 1;
    keys.push(keyOf(route.request()));
    if (attempt === 1) {
      // Stored, but its answer lost; then the node is full until the island gives up.
      await route.fetch();
      await route.fulfill({ status: 503, headers: { "retry-after": "0" }, contentType: "application/json", body: UNAVAILABLE });
    } else if (attempt <= 4) {
      await route.fulfill({ status: 503, headers: { "retry-after": "0" }, contentType: "application/json", body: BUSY });
    } else {
      await route.continue();
    }
  });
  await page.getByRole("radio", { name: "Ja" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.getByRole("alert")).toHaveText(/uw stem is nog niet geteld/, { timeout: 20_000 });
  expect(attempt).toBe(4);
  // The reader tries once more, as the message asks.
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.getByRole("heading", { name: QUESTION })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Ja/);
  expect(attempt).toBe(5);
  expect(new Set(keys).size, "the reader's second submit carries the first's key").toBe(1);
  await seen.reload();
  expect(await votersShown(seen), "counted once").toBe(before + 1);
});

test("a vote is sent again no sooner than the server's Retry-After", async ({ page }) => {
  // The jitter at its lowest: a pause drawn below the server's would show here.
  await page.addInitScript(() => {
    Math.random = () => 0;
  });
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  const sent: number[] = [];
  await page.route(VOTE, (route) => {
    sent.push(Date.now());
    if (sent.length === 1) {
      return route.fulfill({ status: 503, headers: { "retry-after": "2" }, contentType: "application/json", body: BUSY });
    }
    // Refused for good (not a 503): no more tries, nothing stored.
    return route.fulfill({ status: 409, contentType: "application/json", body: JSON.stringify({ error: "AlreadyVoted", message: "Klaar." }) });
  });
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.getByRole("alert")).toHaveText("Klaar.", { timeout: 15_000 });
  expect(sent.length).toBe(2);
  expect(sent[1] - sent[0], "Retry-After: 2").toBeGreaterThanOrEqual(2_000);
});

test("the same refusal twice is said twice, and the keyboard is back on the button", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.route(VOTE, (route) =>
    route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: "InvalidChoice", message: "Kies een antwoord uit de lijst." }) }),
  );
  // Counts the times the form's alert is given a text, as a screen reader hears it.
  await page.evaluate(() => {
    const alert = document.querySelector(".poll-card [role=alert]")!;
    (window as unknown as { said: number }).said = 0;
    new MutationObserver(() => {
      if (alert.textContent) (window as unknown as { said: number }).said += 1;
    }).observe(alert, { childList: true, characterData: true, subtree: true });
  });
  const said = () => page.evaluate(() => (window as unknown as { said: number }).said);
  await page.getByRole("radio", { name: "Nee" }).check();
  const button = page.getByRole("button", { name: "Stem" });
  await button.click();
  await expect(page.getByRole("alert")).toHaveText("Kies een antwoord uit de lijst.");
  await expect.poll(said).toBe(1);
  await expect(button).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(said).toBe(2);
  await expect(button).toBeFocused();
});

test("a try that gets no answer at all is given up and sent again with its key, and counts once", async ({ browser, page }) => {
  const seen = await witness(browser);
  const before = await votersShown(seen);
  // The browser's clock in the test's hands: the island's limit on a try is 16 s.
  await page.clock.install();
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  const keys: (string | null)[] = [];
  await page.route(VOTE, async (route) => {
    keys.push(keyOf(route.request()));
    if (keys.length === 1) {
      // The server stores the first try, but its answer never comes back (a connection gone
      // quiet): the island hears nothing at all.
      await route.fetch();
      await new Promise<void>(() => {});
    }
    return route.continue();
  });
  await page.getByRole("radio", { name: "Ja" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect.poll(() => keys.length).toBe(1);
  await page.clock.fastForward(15_000);
  await expect(page.getByRole("button", { name: "Stem" }), "still waiting for its answer").toBeDisabled();
  expect(keys.length).toBe(1);
  await page.clock.fastForward(1_500);
  await expect(page.locator(".poll-card [aria-live=polite]")).toHaveText(
    "Het is erg druk; we proberen uw stem opnieuw te versturen…",
  );
  // The pause before the second try: one to one and a half seconds.
  await page.clock.fastForward(1_600);
  await expect(page.getByRole("heading", { name: QUESTION })).toBeVisible();
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Ja/);
  expect(keys.length).toBe(2);
  expect(new Set(keys).size, "both tries carry the same key").toBe(1);
  expect(await votersShown(page), "counted once").toBe(before + 1);
  // A page may be kept for 2 s (VOTER_PAGE_TTL): the witness reads until the count is new.
  await expect
    .poll(async () => {
      await seen.reload();
      return votersShown(seen);
    })
    .toBe(before + 1);
});

test("a vote none of whose tries is answered is given up within 30 s, and the button works again", async ({ page }) => {
  await page.clock.install();
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  let tries = 0;
  await page.route(VOTE, () => {
    tries += 1;
    return new Promise<void>(() => {});
  });
  await page.getByRole("radio", { name: "Nee" }).check();
  const button = page.getByRole("button", { name: "Stem" });
  await button.click();
  await expect.poll(() => tries).toBe(1);
  // A try after 16 s and a pause; the second gets what is left of the 30 s.
  await page.clock.fastForward(18_000);
  await expect.poll(() => tries).toBe(2);
  await page.clock.fastForward(7_000);
  await expect(button, "the second try still waiting").toBeDisabled();
  await page.clock.fastForward(6_000);
  await expect(page.getByRole("alert")).toHaveText(/tijdelijk niet beschikbaar/);
  await expect(button).toBeEnabled();
  await expect(page.getByRole("radio", { name: "Nee" })).toBeChecked();
  expect(tries).toBe(2);
});

test("a keyboard reader keeps the focus on the button while the vote is sent again", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  let attempt = 0;
  await page.route(VOTE, (route) => {
    attempt += 1;
    if (attempt === 1) {
      // A pause of 3 to 4.5 s: the checks below fall within it.
      return route.fulfill({ status: 503, headers: { "retry-after": "3" }, contentType: "application/json", body: BUSY });
    }
    return route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: "InvalidChoice", message: "Kies een antwoord uit de lijst." }) });
  });
  await page.getByRole("radio", { name: "Nee" }).check();
  const button = page.getByRole("button", { name: "Stem" });
  await button.focus();
  await page.keyboard.press("Enter");
  // Between the tries: the button is said to be unavailable, and the keyboard is still on it (a
  // `disabled` button would have dropped it to the page for as long as the tries take).
  await expect(page.locator(".poll-card [aria-live=polite]")).toHaveText(
    "Het is erg druk; we proberen uw stem opnieuw te versturen…",
  );
  // Looked at once, not waited for: the focus comes back to the button when the tries end.
  expect(attempt, "still between the two tries").toBe(1);
  expect(await button.evaluate((element) => element === document.activeElement), "focus on the button").toBe(true);
  await expect(button).toHaveAttribute("aria-disabled", "true");
  await expect(button).not.toHaveAttribute("disabled");
  // A second Enter while the vote is on its way sends nothing more.
  expect(attempt, "still between the two tries").toBe(1);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alert")).toHaveText("Kies een antwoord uit de lijst.", { timeout: 15_000 });
  expect(attempt).toBe(2);
  await expect(button).not.toHaveAttribute("aria-disabled");
  await expect(button).toBeFocused();
});
