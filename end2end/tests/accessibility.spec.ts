// WCAG 2.2 AA checks with axe on every kind of page, in light and dark mode, and a vote by keyboard only.
import { test, expect, type Page } from "@playwright/test";
import { violations } from "../axe";

const ARTICLE = "/artikel/deepseek-nvidia-beurswaarde";
const SAMPLE = "/artikel/voorbeeld-hoe-werkt-de-lezerspoll";
const QUESTION = "Brengt DeepSeek blijvende schade toe aan Nvidia?";

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`axe in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("the front page has no violations", async ({ page }) => {
      await page.goto("/");
      expect(await violations(page)).toEqual([]);
    });

    test("an article with an open poll has no violations, before and after voting", async ({ page }) => {
      await page.goto(ARTICLE);
      await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
      expect(await violations(page)).toEqual([]);

      await page.getByRole("radio", { name: "Weet ik niet" }).check();
      await page.getByRole("button", { name: "Stem" }).click();
      await expect(page.locator(".poll-own-vote")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("the sample article with its image has no violations", async ({ page }) => {
      await page.goto(SAMPLE);
      expect(await violations(page)).toEqual([]);
    });

    test("the privacy page has no violations", async ({ page }) => {
      await page.goto("/privacy");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("the 404 page has no violations", async ({ page }) => {
      await page.goto("/artikel/bestaat-niet");
      expect(await violations(page)).toEqual([]);
    });
  });
}

test("axe does report a violation when the page has one", async ({ page }) => {
  await page.goto(ARTICLE);
  await page.evaluate(() => {
    const image = document.createElement("img");
    image.src = "/afbeeldingen/lezerspoll-staafjes.svg";
    document.querySelector("main")!.append(image);
  });
  expect((await violations(page)).join("\n")).toContain("image-alt");
});

test("a reader votes with the keyboard only and hears the outcome", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  // Start from the first answer's place in the tab order, as Tab from the article would.
  await page.getByRole("radio", { name: "Ja" }).focus();
  await expect(page.getByRole("radio", { name: "Ja" })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(page.getByRole("radio", { name: "Ja" })).toBeChecked();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: "Nee" })).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Stem" })).toBeFocused();
  await page.keyboard.press("Enter");

  const heading = page.getByRole("heading", { name: QUESTION });
  await expect(heading).toBeFocused();
  await expect(page.locator("[aria-live=polite]")).toHaveText("Uw stem voor “Nee” is geregistreerd.");
  await expect(page.locator(".poll-own-vote")).toHaveText(/Uw stem: Nee/);
});

test("the skip link is the first stop and leads to the content", async ({ page }) => {
  await page.goto(ARTICLE);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Naar de inhoud" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#inhoud$/);
});

test("result bars are hidden from assistive technology, with the numbers in text", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: "Ja" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-results")).toBeVisible();
  await expect(page.locator(".poll-bar")).toHaveCount(3);
  for (const bar of await page.locator(".poll-bar").all()) {
    await expect(bar).toHaveAttribute("aria-hidden", "true");
  }
  await expect(page.locator(".poll-result-figures").first()).toHaveText(/\d+% · \d+ stem/);
});

test("motion is off for readers who ask for reduced motion", async ({ page }) => {
  const transition = () =>
    page.locator(".poll-submit").evaluate((el) => getComputedStyle(el).transitionDuration);
  await page.goto(ARTICLE);
  expect(await transition()).toBe("0.15s");
  await page.emulateMedia({ reducedMotion: "reduce" });
  expect(await transition()).toBe("0s");
});

test("the print style keeps the article and the poll results, not the buttons and links around them", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".poll-submit")).toBeHidden();
  await page.emulateMedia({ media: "screen" });
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-results")).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator(".poll-results")).toBeVisible();
  await expect(page.locator(".poll-facts")).toBeVisible();
  await expect(page.locator(".share-links")).toBeHidden();
  await expect(page.locator(".related")).toBeHidden();
  await expect(page.locator(".site-footer")).toBeHidden();
});

test("on a 320-pixel screen the standing after a vote fits without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 700 });
  await page.goto(SAMPLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  await page.getByRole("radio", { name: "Soms, afhankelijk van het onderwerp" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
  const widths = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]);
});

test("in forced colours the vote button keeps its frame", async ({ page }) => {
  await page.emulateMedia({ forcedColors: "active" });
  await page.goto(ARTICLE);
  const border = await page
    .locator(".poll-submit")
    .evaluate((el) => [getComputedStyle(el).borderTopStyle, getComputedStyle(el).borderTopWidth]);
  expect(border[0]).not.toBe("none");
  expect(parseFloat(border[1])).toBeGreaterThan(0);
});

test("the focus ring stands out at 3:1 against the page and the poll's card", async ({ page }) => {
  await page.goto(ARTICLE);
  await page.getByRole("radio", { name: "Ja" }).focus();
  await page.keyboard.press("ArrowDown");
  const ratios = await page.evaluate(() => {
    const rgb = (color: string) => (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const contrast = (a: string, b: string) => {
      const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const focused = document.activeElement as HTMLElement;
    const ring = getComputedStyle(focused).outlineColor;
    const card = getComputedStyle(document.querySelector(".poll-card")!).backgroundColor;
    const body = getComputedStyle(document.body).backgroundColor;
    return [getComputedStyle(focused).outlineStyle, contrast(ring, body), contrast(ring, card)];
  });
  expect(ratios[0]).toBe("solid");
  expect(ratios[1] as number).toBeGreaterThanOrEqual(3);
  expect(ratios[2] as number).toBeGreaterThanOrEqual(3);
});

test("the poll is a section a screen reader reaches by heading, before and after the vote", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  const pollHeading = page.locator("#poll").getByRole("heading", { level: 2, name: "Lezerspoll" });
  await expect(pollHeading).toBeVisible();
  await page.getByRole("radio", { name: "Nee" }).check();
  await page.getByRole("button", { name: "Stem" }).click();
  await expect(page.locator(".poll-own-vote")).toBeVisible();
  await expect(pollHeading).toBeVisible();
  // The question that heads the standing sits under it.
  await expect(page.locator("#poll").getByRole("heading", { level: 3, name: QUESTION })).toBeVisible();
});
