// The editor accounts the desk's browser tests sign in with.
import { execFileSync } from "node:child_process";
import path from "node:path";

/** Makes the editor `name` as a newsroom would: with the release binary's `stembus editor add`, on
 *  the database of the server under test (the environment names it), the password on standard
 *  input. A second run against the same database finds the editor there already. */
export function addEditor(name: string, password: string): void {
  const root = path.resolve(__dirname, "..");
  try {
    execFileSync(path.join(root, "target", "release", "stembus"), ["editor", "add", name], {
      cwd: root,
      input: password + "\n",
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "");
    if (!stderr.includes("already")) throw error;
  }
}
