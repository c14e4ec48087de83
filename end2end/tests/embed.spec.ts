// The embeddable poll in the browser: inside an iframe on another origin (one listed in
// `embed_origins`), voting works with JavaScript; an origin that is not listed cannot frame it; and
// axe finds nothing on the embed.
import { test, expect, type Page } from "@playwright/test";
import { violations } from "../axe";
import { createServer, type Server } from "node:http";

const SITE = process.env.STEMBUS_E2E_URL ?? "http://127.0.0.1:3000";
// Two other sites' pages, served by the test itself on loopback (a page Playwright answered for
// would count as a public page, and Chromium keeps those from framing anything on 127.0.0.1). The
// first is listed in STEMBUS_EMBED_ORIGINS by scripts/test.sh, the second is not.
const LISTED = "http://127.0.0.1:3199";
const UNLISTED = "http://127.0.0.1:3198";
const POLL = "nut-van-lezerspolls";
const QUESTION = "Vindt u een lezerspoll onder een nieuwsartikel nuttig?";

const HOST_PAGE = `<!DOCTYPE html><html lang="nl-BE"><head><title>Een andere krant</title></head>
  <body><h1>Een andere krant</h1>
  <iframe id="poll" src="${SITE}/embed/${POLL}" width="480" height="560" title="Lezerspoll"></iframe>
  </body></html>`;

const hosts: Server[] = [];
test.beforeAll(async () => {
  for (const origin of [LISTED, UNLISTED]) {
    const server = createServer((_, response) => {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(HOST_PAGE);
    });
    await new Promise<void>((resolve) => server.listen(Number(new URL(origin).port), "127.0.0.1", resolve));
    hosts.push(server);
  }
});
test.afterAll(async () => {
  await Promise.all(hosts.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Opens a page of `origin` that shows the embedded poll in a frame. */
async function hostPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/artikel.html`);
}

test("a reader votes inside the frame on another site and sees their vote there", async ({ page }) => {
  await hostPage(page, LISTED);
  const frame = page.frameLocator("#poll");
  await expect(frame.getByRole("group", { name: QUESTION })).toBeVisible();
  await expect(frame.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await frame.getByRole("radio", { name: "Soms, afhankelijk van het onderwerp" }).check();
  await frame.getByRole("button", { name: "Stem" }).click();
  await expect(frame.locator(".poll-own-vote")).toContainText("Soms, afhankelijk van het onderwerp");
  // The vote is stored under the cookie the frame keeps: after a reload the frame shows it again
  // instead of a fresh form.
  await page.reload();
  await expect(page.frameLocator("#poll").locator(".poll-own-vote")).toBeVisible();
  await expect(page.frameLocator("#poll").getByRole("button", { name: "Stem" })).toHaveCount(0);
});

test("a site that is not listed cannot show the poll in a frame", async ({ page }) => {
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("frame-ancestors")) blocked.push(message.text());
  });
  await hostPage(page, UNLISTED);
  // Chromium says in the console that the frame's policy refused this page as its ancestor.
  await expect.poll(() => blocked.length).toBeGreaterThan(0);
  await expect(page.frameLocator("#poll").getByRole("button", { name: "Stem" })).toHaveCount(0);
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`the embed has no axe violations in ${colorScheme} mode`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(`/embed/${POLL}`);
    await expect(page.getByRole("button", { name: "Stem" })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await context.close();
  });
}
