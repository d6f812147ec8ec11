// Copies Chart.js's browser bundle into console/vendor/ so that the case store
// serves it from the console's own origin (no CDN). Runs as npm postinstall.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const consoleDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(consoleDir, "node_modules", "chart.js", "dist");
const vendor = join(consoleDir, "vendor");

mkdirSync(vendor, { recursive: true });
for (const name of ["chart.umd.min.js", "chart.umd.min.js.map"]) {
  copyFileSync(join(dist, name), join(vendor, name));
}
console.log(`vendored chart.js into ${vendor}`);
