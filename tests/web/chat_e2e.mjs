// Browser test of the citizen web chat against a running stack.
//
//   node tests/web/chat_e2e.mjs http://127.0.0.1:8000/ [--screenshots var/screenshots]
//
// Drives Debian's /usr/bin/chromium through playwright-core (no downloaded
// browser), each viewport in a fresh user-data-dir. Prints one JSON object on
// stdout; exits 0 when every check passed, 1 otherwise.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COMPLAINT = "我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着";
const HOSTILE = "<script>alert(1)</script>";
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const CONNECT_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 90_000; // the first turn may load the NLU pipeline

function parseArgs(argv) {
  const args = { url: null, screenshots: join(REPO_ROOT, "var", "screenshots") };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--screenshots") args.screenshots = resolve(argv[++i]);
    else if (!args.url) args.url = argv[i];
  }
  if (!args.url) throw new Error("usage: chat_e2e.mjs <page url> [--screenshots dir]");
  return args;
}

async function openProfile(options) {
  const userDataDir = mkdtempSync(join(tmpdir(), "xf-chat-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: "zh-CN",
    ...options,
  });
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

function watch(page, result) {
  page.on("dialog", async (dialog) => {
    result.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("pageerror", (err) => result.page_errors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") result.console_errors.push(msg.text());
  });
}

async function waitReady(page) {
  await page.waitForSelector('body[data-connection="ready"]', { timeout: CONNECT_TIMEOUT_MS });
}

async function botTexts(page) {
  return page.$$eval(".msg-bot .bubble", (nodes) => nodes.map((n) => n.textContent));
}

/** Sends text through the UI and waits until the bot has answered it. */
async function say(page, text) {
  const before = await page.locator(".msg-bot").count();
  await page.fill("#input", text);
  await page.click("#send");
  await page.waitForFunction(
    (n) => document.querySelectorAll(".msg-bot").length > n,
    before,
    { timeout: REPLY_TIMEOUT_MS },
  );
  await page.waitForTimeout(1500); // Rasa may send several bot_uttered events per turn
  return (await botTexts(page)).slice(before);
}

async function checkStaticUi(page) {
  return page.evaluate(() => ({
    title: document.querySelector("h1")?.textContent ?? "",
    placeholder: document.querySelector("#input")?.getAttribute("placeholder") ?? "",
    send_label: document.querySelector("#send")?.textContent ?? "",
    send_disabled_when_empty: document.querySelector("#send")?.disabled === true,
    has_query_hint: document.body.textContent.includes("查询办理进度"),
    has_privacy_note: document.body.textContent.includes("您的个人信息将严格保密"),
    log_is_live: document.querySelector("#messages")?.getAttribute("aria-live") === "polite",
    input_has_label: document.querySelector('label[for="input"]') !== null,
  }));
}

async function desktopRun(url, shots, result) {
  const { context, close } = await openProfile({ viewport: { width: 1280, height: 800 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page, result);
    await page.goto(url, { waitUntil: "domcontentloaded" });
    result.ui = await checkStaticUi(page);
    await waitReady(page);
    result.session_id = await page.evaluate(() => localStorage.getItem("xf.chat.session_id"));

    result.complaint_replies = await say(page, COMPLAINT);
    result.hostile_replies = await say(page, HOSTILE);
    result.xss = await page.evaluate((hostile) => {
      const mine = [...document.querySelectorAll(".msg-user .bubble")];
      const bubble = mine.find((n) => n.textContent === hostile);
      return {
        shown_literally: Boolean(bubble),
        escaped_in_dom: Boolean(bubble && bubble.innerHTML.includes("&lt;script&gt;")),
        script_elements_in_log: document.querySelectorAll("#messages script").length,
      };
    }, HOSTILE);
    result.xss.dialogs = result.dialogs.length;

    const desktopShot = join(shots, "web_chat_desktop.png");
    await page.screenshot({ path: desktopShot });
    result.screenshots.push(desktopShot);

    const shownBefore = await page.locator(".msg").count();
    await page.reload({ waitUntil: "domcontentloaded" });
    await waitReady(page);
    result.reload = {
      same_session: (await page.evaluate(() => localStorage.getItem("xf.chat.session_id"))) === result.session_id,
      transcript_kept: (await page.locator(".msg").count()) === shownBefore,
    };
  } finally {
    await close();
  }
}

async function phoneRun(url, shots, result) {
  const { context, close } = await openProfile({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page, result);
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await waitReady(page);
    result.phone = { replies: await say(page, COMPLAINT) };
    result.phone.no_horizontal_scroll = await page.evaluate(
      () => document.documentElement.scrollWidth <= window.innerWidth,
    );
    const phoneShot = join(shots, "web_chat_phone.png");
    await page.screenshot({ path: phoneShot });
    result.screenshots.push(phoneShot);

    await page.fill("#input", "长".repeat(2001));
    result.limit = await page.evaluate(() => ({
      counter: document.querySelector("#counter").textContent,
      send_disabled: document.querySelector("#send").disabled,
      error_visible: !document.querySelector("#limit-error").hidden,
    }));
    await page.fill("#input", "");
  } finally {
    await close();
  }
}

function verdict(r) {
  const failures = [];
  const expect = (ok, what) => ok || failures.push(what);
  expect(r.ui && Object.values(r.ui).every((v) => v === true || (typeof v === "string" && v)), "static UI");
  expect(Boolean(r.session_id), "session confirmed");
  expect(r.complaint_replies?.some((t) => t.trim()), "bot answered the complaint");
  expect(r.xss?.shown_literally && r.xss?.escaped_in_dom && r.xss?.script_elements_in_log === 0, "script shown as text");
  expect(r.dialogs.length === 0, "no dialog fired");
  expect(r.reload?.same_session && r.reload?.transcript_kept, "reload continues the conversation");
  expect(r.phone?.replies?.length > 0 && r.phone?.no_horizontal_scroll, "phone layout");
  expect(r.limit?.send_disabled && r.limit?.error_visible && r.limit?.counter === "2001/2000", "input limit");
  expect(r.page_errors.length === 0, "no page errors");
  expect(r.screenshots.length === 2, "screenshots");
  return failures;
}

async function main() {
  const { url, screenshots } = parseArgs(process.argv.slice(2));
  mkdirSync(screenshots, { recursive: true });
  const result = { url, dialogs: [], page_errors: [], console_errors: [], screenshots: [] };
  try {
    await desktopRun(url, screenshots, result);
    await phoneRun(url, screenshots, result);
  } catch (err) {
    result.error = String(err && err.stack ? err.stack : err);
  }
  result.failures = result.error ? ["exception"] : verdict(result);
  result.ok = result.failures.length === 0;
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  process.exitCode = result.ok ? 0 : 1;
}

await main();
