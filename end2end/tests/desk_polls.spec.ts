// A poll made in the desk, in the browser: an editor creates it without a file, copies the iframe
// code from its desk page into a page of another (listed) origin, and readers vote in that frame
// with and without JavaScript; a poll made in Dutch and French, voted on in its French frame; then
// axe on the new desk pages in light and dark mode.
import { test, expect, type Page, type Browser } from "@playwright/test";
import { violations } from "../axe";
import { addEditor } from "../editor";
import { createServer, type Server } from "node:http";

const SITE = process.env.STEMBUS_E2E_URL ?? "http://127.0.0.1:3000";
// Listed in STEMBUS_EMBED_ORIGINS by scripts/test.sh (embed.spec.ts uses it too, one file at a time).
const LISTED = "http://127.0.0.1:3199";
const NAME = "e2e-polls";
const PASSWORD = "een wachtwoord voor de nieuwe polls";
// Each run makes its own poll, so a second run against the same database finds its id free.
const RUN = Date.now().toString(36);
const QUESTION = `Leest u de krant liever op papier (${RUN})?`;
const ANSWERS = ["Op papier", "Op het scherm", "Allebei"];

// What the other site's page holds: whatever the editor pasted from the desk.
let pasted = "";
let host: Server;

test.beforeAll(async () => {
  addEditor(NAME, PASSWORD);
  host = createServer((_, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(`<!DOCTYPE html><html lang="nl-BE"><head><title>Een andere krant</title></head>
      <body><h1>Een andere krant</h1>${pasted}</body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(Number(new URL(LISTED).port), "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => host.close(resolve));
});

async function signIn(page: Page): Promise<void> {
  await page.goto("/redactie");
  await page.getByLabel("Naam").fill(NAME);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Aanmelden" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Polls" })).toBeVisible();
}

/** Fills the new-poll form with `question` and the answers. */
async function fillNewPoll(page: Page, question: string): Promise<void> {
  await page.goto("/redactie");
  await page.getByRole("link", { name: "Nieuwe poll" }).click();
  await page.getByLabel("Vraag", { exact: true }).fill(question);
  for (const [index, answer] of ANSWERS.entries()) {
    await page.getByLabel(`Antwoord ${index + 1}`, { exact: true }).fill(answer);
  }
}

/** A reader in a fresh browser context (with or without JavaScript) votes `answer` in the frame
 *  asking `question` on the other site, with the button `vote`, and sees their vote there. */
async function voteInFrame(
  browser: Browser,
  javaScriptEnabled: boolean,
  answer: string,
  question = QUESTION,
  vote = "Stem",
): Promise<void> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${LISTED}/artikel.html`);
  const frame = page.frameLocator("iframe");
  await expect(frame.getByRole("group", { name: question })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(frame.locator(".poll-card[data-hydrated=true]")).toBeAttached();
  }
  await frame.getByRole("radio", { name: answer }).check();
  await frame.getByRole("button", { name: vote }).click();
  await expect(frame.locator(".poll-own-vote")).toContainText(answer);
  await context.close();
}

test("an editor makes a poll in the desk, embeds it on another site, and readers vote with and without JavaScript", async ({
  page,
  browser,
}) => {
  await signIn(page);
  await fillNewPoll(page, QUESTION);
  // Everyone sees the standing, so the API (which reads no cookie) shows the count.
  await page.getByLabel("Resultaten tonen").selectOption("always");
  // The first click proposes the poll's code from the question; it can be changed before creating.
  await page.getByRole("button", { name: "Poll aanmaken" }).click();
  const code = page.getByLabel("Code in het adres");
  await expect(code).toHaveValue(/^leest-u-de-krant-liever-op-papier-/);
  await expect(page.getByLabel("Vraag", { exact: true })).toHaveValue(QUESTION);
  const pollId = await code.inputValue();
  await page.getByRole("button", { name: "Poll aanmaken" }).click();
  await expect(page.getByRole("heading", { level: 1, name: QUESTION })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/redactie/poll/${pollId}$`));

  // The desk page hands out the iframe code and previews the poll in it.
  const iframeCode = await page.getByLabel("Iframe-code om te kopiëren").inputValue();
  expect(iframeCode).toContain(`src="${SITE}/embed/${pollId}"`);
  await expect(page.frameLocator("iframe").getByRole("group", { name: QUESTION })).toBeVisible();

  pasted = iframeCode;
  await voteInFrame(browser, true, "Op het scherm");
  await voteInFrame(browser, false, "Allebei");

  const answer = await page.request.get(`/api/polls/${pollId}`);
  expect(answer.status()).toBe(200);
  const poll = await answer.json();
  expect(poll.voters).toBe(2);
});

test("an editor makes a poll in Dutch and French, and a vote in its French frame counts in the one tally", async ({
  page,
  browser,
}) => {
  const question = `Lit-on encore le journal sur papier (${RUN})\u00a0?`;
  const frenchAnswers = ["Sur papier", "Sur écran", "Les deux"];
  await signIn(page);
  await fillNewPoll(page, `Tweetalig: ${QUESTION}`);
  await page.getByLabel("Vraag (Frans)").fill(question);
  for (const [index, answer] of frenchAnswers.entries()) {
    await page.getByLabel(`Antwoord ${index + 1} (Frans)`).fill(answer);
  }
  await page.getByLabel("Resultaten tonen").selectOption("always");
  await page.getByRole("button", { name: "Poll aanmaken" }).click();
  const pollId = await page.getByLabel("Code in het adres").inputValue();
  await page.getByRole("button", { name: "Poll aanmaken" }).click();
  await expect(page).toHaveURL(new RegExp(`/redactie/poll/${pollId}$`));

  // Both frames' code, the French one at the French address.
  expect(await page.locator("#iframe-code").inputValue()).toContain(`src="${SITE}/embed/${pollId}"`);
  const frenchCode = await page.locator("#iframe-code-fr").inputValue();
  expect(frenchCode).toContain(`src="${SITE}/fr/embed/${pollId}"`);

  pasted = frenchCode;
  await voteInFrame(browser, true, "Sur écran", question, "Voter");
  await voteInFrame(browser, false, "Les deux", question, "Voter");
  const poll = await (await page.request.get(`/api/polls/${pollId}`)).json();
  expect(poll.voters).toBe(2);
  expect(poll.texts["fr-BE"].question).toBe(question);
  expect(poll.options.map((option: { votes: number }) => option.votes)).toEqual([0, 1, 1]);
});

test("an archived poll leaves the other site's frame with a sentence, and comes back when put back", async ({
  page,
}) => {
  await signIn(page);
  const question = `Is dit een poll om te archiveren (${RUN})?`;
  await fillNewPoll(page, question);
  await page.getByRole("button", { name: "Poll aanmaken" }).click();
  const pollId = await page.getByLabel("Code in het adres").inputValue();
  await page.getByRole("button", { name: "Poll aanmaken" }).click();
  await expect(page.getByRole("heading", { level: 1, name: question })).toBeVisible();

  await page.getByRole("button", { name: "Archiveren" }).click();
  const gone = await page.request.get(`/embed/${pollId}`);
  expect(gone.status()).toBe(410);
  expect(await gone.text()).toContain("gearchiveerd");
  await page.getByRole("button", { name: "Terugzetten" }).click();
  expect((await page.request.get(`/embed/${pollId}`)).status()).toBe(200);
});

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`axe on the new desk pages in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("the new-poll form, its refusal, a desk-made poll's page and its edit form have no violations", async ({
      page,
    }) => {
      await signIn(page);
      await page.getByRole("link", { name: "Nieuwe poll" }).click();
      expect(await violations(page)).toEqual([]);
      // Refused on the form itself: one answer is not enough.
      await page.getByLabel("Vraag", { exact: true }).fill(`Een vraag met te weinig antwoorden (${colorScheme} ${RUN})?`);
      await page.getByLabel("Antwoord 1", { exact: true }).fill("Enkel dit");
      await page.getByRole("button", { name: "Poll aanmaken" }).click();
      await expect(page.getByText(/Antwoord/).first()).toBeVisible();
      expect(await violations(page)).toEqual([]);

      const question = `Een poll voor axe in ${colorScheme} (${RUN})?`;
      await fillNewPoll(page, question);
      await page.getByRole("button", { name: "Poll aanmaken" }).click();
      expect(await violations(page)).toEqual([]);
      await page.getByRole("button", { name: "Poll aanmaken" }).click();
      await expect(page.getByRole("heading", { level: 1, name: question })).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.getByRole("link", { name: "Bewerken" }).click();
      await expect(page.getByLabel("Vraag", { exact: true })).toHaveValue(question);
      expect(await violations(page)).toEqual([]);
    });
  });
}
