// Copies the browser bundle of socket.io-client into web/vendor/ so that the
// static mount serves it from the page's own origin (no CDN). Runs as npm postinstall.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const webDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(webDir, "node_modules", "socket.io-client", "dist");
const vendor = join(webDir, "vendor");

mkdirSync(vendor, { recursive: true });
for (const name of ["socket.io.min.js", "socket.io.min.js.map"]) {
  copyFileSync(join(dist, name), join(vendor, name));
}
console.log(`vendored socket.io-client into ${vendor}`);
