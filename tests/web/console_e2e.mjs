// Browser test of live takeover (人工接管) against a running stack.
//
//   node tests/web/console_e2e.mjs http://127.0.0.1:8000 [--screenshots dir] [--rounds N]
//
// A citizen context chats on "/" and asks for a person; a staff context signs
// in to "/console/", sees the conversation in the queue, takes it over,
// exchanges messages both ways (N rounds, 2 by default), registers a case from
// the draft and hands back; a second staff member sees who holds it. Latency
// of each message is measured in the receiving page (MutationObserver,
// Date.now() on the same machine). Prints one JSON object; exits 0 when every
// check passed.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
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
const PASSWORD = process.env.XF_DEMO_PASSWORD || "dev-staff-password";
const WAIT_MS = 90_000;
const COMPLAINT = "我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着";
const HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><b>粗体</b>';

function parseArgs(argv) {
  const args = { url: null, screenshots: join(REPO_ROOT, "var", "screenshots"), rounds: 2 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--screenshots") args.screenshots = resolve(argv[++i]);
    else if (argv[i] === "--rounds") args.rounds = Math.max(2, Number(argv[++i]) || 2);
    else if (!args.url) args.url = argv[i].replace(/\/+$/, "");
  }
  if (!args.url) throw new Error("usage: console_e2e.mjs <case store url> [--screenshots dir] [--rounds N]");
  return args;
}

async function openProfile(result, viewport) {
  const userDataDir = mkdtempSync(join(tmpdir(), "xf-console-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: "zh-CN",
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("dialog", async (dialog) => {
    result.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("pageerror", (err) => result.page_errors.push(String(err)));
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, close };
}

/** Records when each new message node appears, in the page's own clock. */
async function recordArrivals(page, selector) {
  await page.evaluate((sel) => {
    window.__arrivals = [];
    const seen = new WeakSet();
    document.querySelectorAll(sel).forEach((n) => seen.add(n));
    new MutationObserver(() => {
      document.querySelectorAll(sel).forEach((n) => {
        if (seen.has(n)) return;
        seen.add(n);
        window.__arrivals.push({ at: Date.now(), text: n.textContent });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }, selector);
}

async function arrivalOf(page, text) {
  const handle = await page.waitForFunction(
    (t) => (window.__arrivals || []).find((a) => a.text.includes(t)) || null,
    text,
    { timeout: WAIT_MS, polling: 20 },
  );
  return (await handle.jsonValue()).at;
}

async function citizenSays(page, text) {
  await page.fill("#input", text);
  const sentAt = Date.now();
  await page.click("#send");
  return sentAt;
}

async function signIn(page, url, username) {
  await page.goto(`${url}/console/#/live`, { waitUntil: "domcontentloaded" });
  await page.fill("#login-user", username);
  await page.fill("#login-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#nav a", { timeout: WAIT_MS });
}

function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(args, result) {
  const shots = args.screenshots;
  const citizen = await openProfile(result, { width: 390, height: 844 });
  const staff = await openProfile(result, { width: 1280, height: 800 });
  const other = await openProfile(result, { width: 820, height: 1180 });
  try {
    // the citizen starts a complaint, then asks for a person
    const chat = citizen.page;
    await chat.goto(`${args.url}/`, { waitUntil: "domcontentloaded" });
    await chat.waitForSelector('body[data-connection="ready"]', { timeout: WAIT_MS });
    result.session_id = await chat.evaluate(() => localStorage.getItem("xf.chat.session_id"));
    let bots = await chat.locator(".msg-bot").count();
    await citizenSays(chat, COMPLAINT);
    await chat.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, bots, { timeout: WAIT_MS });
    await chat.waitForTimeout(1000);
    bots = await chat.locator(".msg-bot").count();
    await citizenSays(chat, "转人工");
    await chat.waitForFunction(
      () => [...document.querySelectorAll(".msg-bot .bubble")].some((n) => n.textContent.includes("人工客服")),
      null,
      { timeout: WAIT_MS },
    );
    // the form's next question may arrive right after the hand-off answer:
    // keep the hand-off answer itself, not whichever bubble came last
    const botTexts = await chat.locator(".msg-bot .bubble").allTextContents();
    result.queued_text = botTexts.find((t) => t.includes("人工客服")) || botTexts.at(-1) || "";

    // staff sees it in the live queue and opens it
    const console_ = staff.page;
    await signIn(console_, args.url, "city.operator");
    const item = console_.locator(".queue-item").first();
    await item.waitFor({ timeout: WAIT_MS });
    result.queue_item = await item.textContent();
    await item.click();
    await console_.waitForSelector(".transcript .msg", { timeout: WAIT_MS });
    result.transcript_before = await console_.$$eval(".transcript .msg", (n) => n.map((x) => x.className));
    result.draft_description = await console_.inputValue("#draft-description");
    result.draft_district = await console_.inputValue("#draft-district");
    await console_.screenshot({ path: join(shots, "console_queue.png") });
    result.screenshots.push(join(shots, "console_queue.png"));

    // take over: the citizen is told a person is there
    await recordArrivals(chat, ".msg-staff .bubble");
    await console_.click("button:text-is('接管')");
    await arrivalOf(chat, "工作人员");
    result.citizen_told_person_is_there = true;

    // a second staff member sees who holds it and cannot take it
    await signIn(other.page, args.url, "city.supervisor");
    const held = other.page.locator(".queue-item .holder").first();
    await held.waitFor({ timeout: WAIT_MS });
    result.other_sees_holder = await held.textContent();
    await other.page.locator(".queue-item").first().click();
    await other.page.waitForSelector(".transcript", { timeout: WAIT_MS });
    result.other_can_claim = await other.page.locator("button:text-is('接管')").count();
    await other.page.screenshot({ path: join(shots, "console_tablet_held.png") });
    result.screenshots.push(join(shots, "console_tablet_held.png"));

    // messages both ways, timed in the receiving page
    await recordArrivals(console_, ".transcript .msg.user");
    result.staff_to_citizen_ms = [];
    result.citizen_to_console_ms = [];
    for (let i = 1; i <= args.rounds; i += 1) {
      const staffText = `第${i}条：您好，请问工地具体在哪条路上？`;
      await console_.fill(".composer textarea", staffText);
      const sentAt = Date.now();
      await console_.click(".composer button");
      result.staff_to_citizen_ms.push((await arrivalOf(chat, staffText)) - sentAt);

      const citizenText = i === 2 ? HOSTILE : `第${i}条回复：在花园路和农业路交叉口往北`;
      const saidAt = await citizenSays(chat, citizenText);
      result.citizen_to_console_ms.push((await arrivalOf(console_, i === 2 ? "<script>" : citizenText)) - saidAt);
    }
    result.xss = await console_.evaluate((hostile) => {
      const bubbles = [...document.querySelectorAll(".transcript .msg.user")];
      return {
        shown_literally: bubbles.some((n) => n.textContent.includes(hostile)),
        elements_injected: document.querySelectorAll(".transcript script, .transcript img, .transcript b").length,
      };
    }, HOSTILE);
    await console_.screenshot({ path: join(shots, "console_takeover.png") });
    result.screenshots.push(join(shots, "console_takeover.png"));

    // register the conversation as a case from the (edited) draft
    await console_.fill("#draft-request", "希望夜间停止施工");
    await console_.click("button:text-is('转为案件')");
    const receipt = console_.locator(".receipt");
    await receipt.locator("p", { hasText: /查询码 \d{6}/ }).waitFor({ timeout: WAIT_MS });
    result.receipt_console = await receipt.textContent();
    result.case_number = (result.receipt_console.match(/XF\d{12}/) || [null])[0];
    await arrivalOf(chat, result.case_number || "XF");
    result.citizen_got_case_number = true;

    // hand back: the bot speaks again and answers the next message
    await console_.click("button:text-is('交还智能助手')");
    await chat.waitForFunction(
      () => [...document.querySelectorAll(".msg-bot .bubble")].some((n) => n.textContent.includes("智能助手继续")),
      null,
      { timeout: WAIT_MS },
    );
    bots = await chat.locator(".msg-bot").count();
    await citizenSays(chat, "谢谢");
    await chat.waitForFunction((n) => document.querySelectorAll(".msg-bot").length > n, bots, { timeout: WAIT_MS });
    await chat.waitForTimeout(500);
    result.answer_after_handback = (await chat.locator(".msg-bot .bubble").last().textContent()) || "";
    result.bot_answers_after_handback = !result.answer_after_handback.includes("没太明白");

    result.citizen_log = await chat.$$eval(".msg", (nodes) =>
      nodes.map((n) => ({ cls: n.className, text: n.querySelector(".bubble")?.textContent || n.textContent })),
    );
    result.citizen_xss = await chat.evaluate(
      () => document.querySelectorAll("#messages script, #messages img, #messages b").length,
    );
    await chat.screenshot({ path: join(shots, "web_chat_takeover.png"), fullPage: true });
    result.screenshots.push(join(shots, "web_chat_takeover.png"));
  } finally {
    await citizen.close();
    await staff.close();
    await other.close();
  }
}

function inOrder(log, texts) {
  let at = 0;
  for (const entry of log) {
    if (at < texts.length && entry.text.includes(texts[at])) at += 1;
  }
  return at === texts.length;
}

function verdict(r, rounds) {
  const failures = [];
  const expect = (ok, what) => ok || failures.push(what);
  expect(r.queued_text?.includes("人工客服"), "citizen told a person is being fetched");
  expect(r.queue_item?.includes("网页") && r.queue_item?.includes("市民要求转人工"), "queue shows channel and reason");
  expect(r.draft_description?.length > 0, "draft pre-filled from the conversation");
  expect(r.citizen_told_person_is_there, "citizen told a person took over");
  expect(r.other_sees_holder?.includes("接管中") && r.other_can_claim === 0, "a held conversation shows its holder");
  expect(r.staff_to_citizen_ms?.length === rounds && r.citizen_to_console_ms?.length === rounds, "messages both ways");
  expect(r.xss?.shown_literally && r.xss?.elements_injected === 0 && r.citizen_xss === 0, "markup shown as text");
  expect(Boolean(r.case_number) && r.citizen_got_case_number, "case registered and number sent to the citizen");
  expect(r.bot_answers_after_handback, "bot resumes after hand-back");
  expect(
    inOrder(r.citizen_log || [], [COMPLAINT, "转人工", "工作人员", "第1条：", "第1条回复", "第2条：", r.case_number || "XF", "智能助手继续", "谢谢"]),
    "citizen sees everything in order",
  );
  expect(r.dialogs.length === 0, "no dialog fired");
  expect(r.page_errors.length === 0, "no page errors");
  return failures;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.screenshots, { recursive: true });
  const result = { url: args.url, rounds: args.rounds, dialogs: [], page_errors: [], screenshots: [] };
  try {
    await run(args, result);
  } catch (err) {
    result.error = String(err && err.stack ? err.stack : err);
  }
  for (const key of ["staff_to_citizen_ms", "citizen_to_console_ms"]) {
    const values = result[key] || [];
    result[`${key.replace("_ms", "")}_p50_ms`] = percentile(values, 50);
    result[`${key.replace("_ms", "")}_p95_ms`] = percentile(values, 95);
  }
  result.failures = result.error ? ["exception"] : verdict(result, args.rounds);
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  process.exit(result.failures.length ? 1 : 0);
}

main();
