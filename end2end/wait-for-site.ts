// Waits up to a minute for the site under test to answer, so tests never race the server's start.
const baseURL = process.env.STEMBUS_E2E_URL ?? "http://127.0.0.1:3000";

export default async function waitForSite(): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(baseURL + "/");
      if (response.ok) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the site at ${baseURL} did not answer within a minute: ${lastError}`);
}
