// The same browser sign-in journey against the compiled binary, copied alone into an empty directory and run
// from there: proves views, migrations and public/ assets are embedded (PLATFORM.md §4).
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../../src/build";
import { describeLoginFlow } from "./flows";
import { startServer } from "./support";

describeLoginFlow("login (compiled binary from an empty directory)", async () => {
  const buildDir = mkdtempSync(join(tmpdir(), "centralino-e2e-build-"));
  const runDir = mkdtempSync(join(tmpdir(), "centralino-e2e-run-"));
  try {
    const built = await buildBinary(join(buildDir, "centralino"));
    const binary = join(runDir, "centralino");
    copyFileSync(built, binary); // keeps the executable bit
    rmSync(buildDir, { recursive: true, force: true });
    if (readdirSync(runDir).join() !== "centralino") throw new Error(`run directory is not empty: ${readdirSync(runDir)}`);
    return await startServer({ command: [binary], cwd: runDir, dataDir: join(runDir, "data"), cleanup: [runDir] });
  } catch (e) {
    for (const dir of [buildDir, runDir]) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
});
