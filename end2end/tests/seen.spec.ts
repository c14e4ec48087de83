// How many readers saw a poll, in the browser: the one-pixel image that counts a view is asked for
// once when a reader reads down to the poll (it is lazily loaded: the browser decides how near the
// view it must come), with and without JavaScript, and never kept in the browser's cache.
import { test, expect } from "@playwright/test";

const ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";

for (const javaScriptEnabled of [true, false]) {
  test(`a reader reading down to the poll asks once for the image that counts the view (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 640 } });
    const page = await context.newPage();
    const asked: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/seen.gif")) asked.push(request.url());
    });
    const counted = page.waitForResponse((response) => response.url().endsWith("/seen.gif"));
    await page.goto(ARTICLE);
    await page.locator("#poll").scrollIntoViewIfNeeded();
    const response = await counted;
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(asked).toHaveLength(1);
    await context.close();
  });
}
