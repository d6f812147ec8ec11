// Browser test of the staff console's case work (案件办理) against a running case store.
//
//   node tests/web/console_cases_e2e.mjs '{"url": "http://127.0.0.1:8000", "case": "XF…",
//       "code": "123456", "overdue_case": "XF…", "other_case": "XF…", "hostile": "<script>…",
//       "reply": "…", "screenshots": "var/screenshots"}'
//
// The cases are registered beforehand (tests/integration/test_console_cases.py).
// Drives Debian's /usr/bin/chromium through playwright-core (no downloaded
// browser), each viewport in a fresh user-data-dir. Prints one JSON object on
// stdout; exits 0 when every check passed, 1 otherwise.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

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
const PASSWORD = "dev-staff-password";
const TIMEOUT_MS = 15_000;

async function openProfile(options) {
  const userDataDir = mkdtempSync(join(tmpdir(), "xf-console-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
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

async function signIn(page, base, username, hash) {
  if (await page.locator("#logout").isVisible()) {
    await page.click("#logout");
  }
  await page.goto(`${base}/console/${hash}`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector("#login-form", { state: "visible" });
  await page.fill("#login-user", username);
  await page.fill("#login-password", PASSWORD);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector("#logout", { state: "visible" });
}

async function waitListLoaded(page) {
  await page.waitForFunction(() => {
    const summary = document.querySelector(".cases-view p.muted[aria-live]");
    return summary && summary.textContent !== "正在加载…" &&
      (document.querySelector(".cases-table") || document.querySelector(".cases-view .empty"));
  });
}

async function listNumbers(page) {
  return page.$$eval(".cases-table tbody tr", (rows) => rows.map((r) => r.dataset.number));
}

/** Chooses a filter and waits for the list to reload. */
async function filter(page, name, value) {
  await page.evaluate(() => {
    document.querySelector(".cases-view p.muted[aria-live]").textContent = "正在加载…";
  });
  await page.selectOption(`.filters select[name="${name}"]`, value);
  await waitListLoaded(page);
}

async function openCase(page, base, number) {
  await page.goto(`${base}/console/#/cases/${number}`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".case-head .num");
}

async function timelineLength(page) {
  return page.locator(".timeline .event").count();
}

async function offeredLabels(page) {
  return page.$$eval(".action-buttons button", (buttons) => buttons.map((b) => b.textContent));
}

async function stateLabel(page) {
  return page.locator(".case-head .badge").first().textContent();
}

/** Runs one action through its form and waits until the timeline has grown. */
async function act(page, result, label, fill) {
  const before = await timelineLength(page);
  await page.click(`.action-buttons button:text-is("${label}")`);
  const form = page.locator(".action-form form");
  await form.waitFor();
  if (fill) await fill(form);
  await form.locator('button[type="submit"]').click();
  await page.waitForFunction((n) => document.querySelectorAll(".timeline .event").length > n, before);
  result.toasts.push(await page.locator("#toast").textContent());
  result.timeline_lengths.push(await timelineLength(page));
  result.states.push(await stateLabel(page));
}

async function screenshot(page, result, dir, name, fullPage = false) {
  const path = join(dir, name);
  await page.screenshot({ path, fullPage });
  result.screenshots.push(path);
}

async function xssChecks(page, args) {
  return page.evaluate((hostile) => ({
    title_literal: document.querySelector(".case-head .title")?.textContent.startsWith(hostile) === true,
    description_literal: document.querySelector(".description")?.textContent.includes(hostile) === true,
    b_elements: document.querySelectorAll("#view b").length,
    script_elements: document.querySelectorAll("#view script").length,
  }), args.hostile);
}

async function laptopRun(args, result) {
  const base = args.url.replace(/\/$/, "");
  const { context, close } = await openProfile({ viewport: { width: 1280, height: 800 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page, result);

    // City operator: the whole city, filtered down to one district.
    await signIn(page, base, "city.operator", "#/cases");
    await waitListLoaded(page);
    const all = await listNumbers(page);
    result.list.first_is_overdue = all[0] === args.overdue_case;
    result.list.overdue_badge = await page
      .locator(`tr[data-number="${args.overdue_case}"] .badge.danger`)
      .first()
      .isVisible();
    result.xss.list_literal = await page
      .locator(`tr[data-number="${args.case}"] td.summary span`)
      .first()
      .evaluate((el, hostile) => el.textContent.startsWith(hostile), args.hostile);
    await filter(page, "district", "金水区");
    const jinshui = await listNumbers(page);
    result.list.district_filter_keeps = jinshui.includes(args.case) && jinshui.includes(args.overdue_case);
    result.list.district_filter_drops_other = all.includes(args.other_case) && !jinshui.includes(args.other_case);
    await screenshot(page, result, args.screenshots, "console_cases_list_laptop.png");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('.filter-actions button:text-is("导出 CSV")'),
    ]);
    const csv = readFileSync(await download.path(), "utf-8");
    result.csv = {
      filename: download.suggestedFilename(),
      has_case: csv.includes(args.case),
      no_phone: !csv.includes("13812341234"),
    };

    // District operator: accept and assign to the district's housing bureau.
    await signIn(page, base, "district.operator", `#/cases/${args.case}`);
    await page.waitForSelector(".case-head .num");
    result.timeline_lengths.push(await timelineLength(page));
    result.offered["district.operator registered"] = await offeredLabels(page);
    Object.assign(result.xss, await xssChecks(page, args));
    await act(page, result, "受理");
    result.offered["district.operator accepted"] = await offeredLabels(page);
    await act(page, result, "交办", async (form) => {
      await form.locator('select[name="unit_code"] option[value="410105/住房和城乡建设局"]').waitFor({ state: "attached" });
      await form.locator('select[name="unit_code"]').selectOption("410105/住房和城乡建设局");
      await form.locator('textarea[name="reason"]').fill("请区住建局核查处理");
    });
    await page.click(".toolbar .back");
    await waitListLoaded(page);
    await filter(page, "state", "assigned");
    const assigned = await listNumbers(page);
    result.list.state_filter_after_accept = assigned.length === 1 && assigned[0] === args.case;

    // The bureau's handler: sign, then reply (once refused: someone acted meanwhile).
    await signIn(page, base, "dept.handler", `#/cases/${args.case}`);
    await page.waitForSelector(".case-head .num");
    result.offered["dept.handler assigned"] = await offeredLabels(page);
    await act(page, result, "签收");
    result.offered["dept.handler in_progress"] = await offeredLabels(page);

    await page.click('.action-buttons button:text-is("答复")');
    await page.locator('.action-form button[type="submit"]').click();
    result.errors.required_field = await page.locator(".action-form .error").textContent();

    // The district supervisor supervises the case while the handler writes the reply.
    await page.evaluate(async ({ base, number, password }) => {
      const login = await fetch(`${base}/api/v1/auth/token`, {
        method: "POST",
        body: new URLSearchParams({ username: "district.supervisor", password }),
      });
      const token = (await login.json()).access_token;
      const auth = { Authorization: `Bearer ${token}` };
      const detail = await (await fetch(`${base}/api/v1/staff/cases/${number}`, { headers: auth })).json();
      await fetch(`${base}/api/v1/staff/cases/${number}/supervise`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ version: detail.version, reason: "群众反映强烈，请加快办理" }),
      });
    }, { base, number: args.case, password: PASSWORD });
    await page.fill('.action-form textarea[name="note"]', args.reply);
    await page.locator('.action-form button[type="submit"]').click();
    await page.waitForFunction(() => /更新/.test(document.querySelector(".action-form .error")?.textContent || ""));
    result.errors.stale_version = await page.locator(".action-form .error").textContent();

    await page.click('.toolbar button:text-is("刷新")');
    await page.waitForFunction((n) => document.querySelectorAll(".timeline .event").length > n, 4);
    result.timeline_lengths.push(await timelineLength(page));
    await act(page, result, "答复", async (form) => {
      await form.locator('textarea[name="note"]').fill(args.reply);
      await screenshot(page, result, args.screenshots, "console_case_page_laptop.png", true);
    });
    result.offered["dept.handler replied"] = await offeredLabels(page);
    result.reply_in_timeline = await page
      .locator('.timeline .event[data-kind="reply"] .note')
      .evaluate((el, reply) => el.textContent === reply, args.reply);
    Object.assign(result.xss, await xssChecks(page, args).then((x) => ({
      b_elements: result.xss.b_elements + x.b_elements,
      script_elements: result.xss.script_elements + x.script_elements,
    })));

    // The citizen's look-up page.
    await page.goto(`${base}/lookup`, { waitUntil: "domcontentloaded" });
    await page.fill("#number", args.case);
    await page.fill("#code", args.code);
    await page.click('#lookup button[type="submit"]');
    await page.waitForSelector("#result:not([hidden])");
    result.lookup.state = await page.locator("#state").textContent();
    result.lookup.reply_shown = await page.evaluate(
      (reply) => [...document.querySelectorAll("#timeline li")].some((li) => li.textContent.includes(reply)),
      args.reply,
    );
  } finally {
    await close();
  }
}

async function tabletRun(args, result) {
  const base = args.url.replace(/\/$/, "");
  const { context, close } = await openProfile({
    viewport: { width: 820, height: 1180 },
    deviceScaleFactor: 2,
    hasTouch: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page, result);
    await signIn(page, base, "district.supervisor", "#/cases");
    await waitListLoaded(page);
    const listFits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await screenshot(page, result, args.screenshots, "console_cases_list_tablet.png");
    await openCase(page, base, args.case);
    result.tablet.no_horizontal_scroll =
      listFits && (await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    result.tablet.single_column = await page.evaluate(() => {
      const grid = document.querySelector(".case-grid");
      return getComputedStyle(grid).gridTemplateColumns.trim().split(/\s+/).length === 1;
    });
    Object.assign(result.xss, await xssChecks(page, args).then((x) => ({
      b_elements: result.xss.b_elements + x.b_elements,
      script_elements: result.xss.script_elements + x.script_elements,
    })));
    await screenshot(page, result, args.screenshots, "console_case_page_tablet.png", true);
  } finally {
    await close();
  }
}

function verdict(r) {
  const failures = [];
  const expect = (ok, what) => ok || failures.push(what);
  expect(Object.values(r.list).length === 5 && Object.values(r.list).every((v) => v === true), "list and filters");
  expect(JSON.stringify(r.timeline_lengths) === "[1,2,3,4,5,6]", "timeline grows");
  expect(r.reply_in_timeline === true, "reply in the timeline");
  expect(r.errors.required_field && /更新/.test(r.errors.stale_version || ""), "errors shown");
  expect(
    r.xss.list_literal && r.xss.title_literal && r.xss.description_literal &&
      r.xss.b_elements === 0 && r.xss.script_elements === 0,
    "markup shown as text",
  );
  expect(r.dialogs.length === 0, "no dialog fired");
  expect(r.page_errors.length === 0, "no page errors");
  expect(r.lookup.reply_shown === true, "citizen sees the reply");
  expect(r.tablet.no_horizontal_scroll && r.tablet.single_column, "tablet layout");
  expect(r.csv?.has_case && r.csv?.no_phone && r.csv?.filename.endsWith(".csv"), "CSV export");
  expect(r.screenshots.length === 4, "screenshots");
  return failures;
}

async function main() {
  const args = JSON.parse(process.argv[2] || "{}");
  args.screenshots = resolve(args.screenshots || "var/screenshots");
  mkdirSync(args.screenshots, { recursive: true });
  const result = {
    url: args.url, dialogs: [], page_errors: [], console_errors: [], screenshots: [],
    list: {}, csv: {}, offered: {}, timeline_lengths: [], states: [], toasts: [], errors: {},
    xss: {}, lookup: {}, tablet: {},
  };
  try {
    await laptopRun(args, result);
    await tabletRun(args, result);
  } catch (err) {
    result.error = String(err && err.stack ? err.stack : err);
  }
  result.failures = result.error ? ["exception"] : verdict(result);
  result.ok = result.failures.length === 0;
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  process.exitCode = result.ok ? 0 : 1;
}

await main();
