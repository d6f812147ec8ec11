// Browser test of the staff console's dashboard (统计分析) and the public
// transparency page (信息公开) against a running case store.
//
//   node tests/web/dashboard_e2e.mjs '{"url": "http://127.0.0.1:8000", "user": "city.supervisor",
//       "total": 12, "category": "环境保护", "category_total": 3,
//       "secrets": ["张三", "138…", "XF…"], "screenshots": "var/screenshots"}'
//
// The cases are registered beforehand (tests/integration/test_console_dashboard.py).
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
const TIMEOUT_MS = 20_000;
// Endpoints of another part of the console that may not exist yet: their 404 is expected.
const OPTIONAL = ["/api/v1/staff/hot-issues", "/api/v1/staff/warnings"];
const HOSTILE = "<img src=x onerror=alert(1)>";
// The contract of those endpoints (GET /api/v1/staff/hot-issues, /warnings): the
// dashboard is tested on this sample, with markup that must show as text.
const HOT_ISSUES = {
  generated_at: "2026-11-26T10:00:00+08:00",
  items: [
    {
      id: "h1", name: "花园路夜间施工噪音", place: "金水区花园路街道", problem: `工地夜间施工${HOSTILE}`,
      heat: 12.34, case_count: 9, recent_count: 5, growth: 1.5, likes: 3, category: "环境保护",
      first_seen: "2026-11-01", last_seen: "2026-11-25",
      example_case_numbers: ["XF202611250001", "XF202611250002"],
    },
    {
      id: "h2", name: "东大街路灯损坏", place: "管城回族区东大街街道", problem: "路灯不亮",
      heat: 4, case_count: 3, recent_count: 1, growth: 0, likes: 0, category: "城乡建设",
      first_seen: "2026-11-10", last_seen: "2026-11-20", example_case_numbers: [],
    },
  ],
};
const WARNINGS = {
  generated_at: "2026-11-26T10:00:00+08:00",
  items: [
    {
      kind: "surge", title: `环境保护类信访激增${HOSTILE}`, explanation: "近 7 天 15 件，是前 4 周周均的 3 倍",
      numbers: { recent_7d: 15, weekly_mean: 5 }, case_numbers: ["XF202611250001"],
    },
  ],
};

async function openProfile(options) {
  const userDataDir = mkdtempSync(join(tmpdir(), "xf-dashboard-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    acceptDownloads: true,
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
    if (msg.type() !== "error") return;
    const where = (msg.location() && msg.location().url) || "";
    // The browser asks for /favicon.ico by itself; the console shell has none.
    if (where.endsWith("/favicon.ico")) return;
    if (OPTIONAL.some((path) => where.includes(path)) && msg.text().includes("404")) {
      result.optional_404s.push(where);
      return;
    }
    result.console_errors.push(`${msg.text()} (${where})`);
  });
}

async function waitReady(page) {
  await page.waitForSelector('.dashboard[data-state="ready"]');
}

/** Changes a filter and waits for the dashboard to reload. */
async function choose(page, selector, value) {
  await page.evaluate(() => {
    document.querySelector(".dashboard").dataset.state = "loading";
  });
  await page.selectOption(selector, value);
  await waitReady(page);
}

async function kpiValues(page) {
  return page.$$eval(".dash-kpi", (cards) =>
    Object.fromEntries(
      cards.map((c) => [c.children[0].textContent, c.querySelector(".dash-kpi-value").textContent])
    )
  );
}

async function dashboardRun(args, result) {
  const { context, close } = await openProfile({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await context.newPage();
    watch(page, result);
    await page.route("**/api/v1/staff/hot-issues*", (route) => route.fulfill({ json: HOT_ISSUES }));
    await page.route("**/api/v1/staff/warnings*", (route) => route.fulfill({ json: WARNINGS }));
    await page.goto(`${args.url}/console/#/dashboard`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#login-form", { state: "visible" });
    await page.fill("#login-user", args.user);
    await page.fill("#login-password", PASSWORD);
    await page.click('#login-form button[type="submit"]');
    await waitReady(page);
    const d = {};
    d.nav_active = await page.locator("#nav a.active").textContent();
    d.kpis = await kpiValues(page);
    d.canvases = await page.locator(".dash-chart canvas").count();
    d.charts_drawn = await page.$$eval(".dash-chart canvas", (canvases) =>
      canvases.filter((c) => window.Chart && window.Chart.getChart(c) && c.width > 0).length
    );
    d.chart_titles = await page.$$eval(".dash-chart figcaption strong", (n) => n.map((x) => x.textContent));
    d.unit_rows = await page.locator(".dash-breakdown tbody tr").count();
    await page.waitForSelector("#dash-hot table");
    await page.waitForSelector("#dash-warnings li");
    d.hot_rows = await page.$$eval("#dash-hot tbody tr", (rows) => rows.map((r) => r.children[0].textContent));
    d.hot_links = await page.$$eval("#dash-hot a", (links) => links.map((a) => a.getAttribute("href")));
    d.warnings = await page.$$eval("#dash-warnings li strong", (n) => n.map((x) => x.textContent));
    d.warning_numbers = await page.$eval("#dash-warnings li div.muted", (n) => n.textContent);
    d.injected_elements = await page.locator(".dashboard img, .dashboard script").count();
    d.status = await page.locator(".dash-status").textContent();
    mkdirSync(args.screenshots, { recursive: true });
    const shot = join(args.screenshots, "console_dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    result.screenshots.push(shot);

    // CSV export of the figures on screen
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#dash-export")]);
    const csv = readFileSync(await download.path(), "utf-8");
    d.csv = {
      filename: download.suggestedFilename(),
      starts_with_bom: csv.charCodeAt(0) === 0xfeff,
      title: csv.replace(/^\ufeff/, "").split(/\r?\n/)[0],
      total_line: (csv.split(/\r?\n/).find((l) => l.startsWith("合计,")) || ""),
      sections: ["概况", "承办单位", "内容分类", "问题属地", "趋势"].filter((s) => csv.includes(s)),
      leaks: args.secrets.filter((s) => csv.includes(s)),
    };

    // a filter narrows every figure
    await choose(page, "#dash-category", args.category);
    d.filtered_kpis = await kpiValues(page);
    await choose(page, "#dash-category", "");

    // a click on a unit row drills down into that unit
    const before = await page.$eval("#dash-unit", (s) => s.value);
    await page.evaluate(() => {
      document.querySelector(".dashboard").dataset.state = "loading";
    });
    await page.locator(".dash-breakdown tbody tr.clickable").first().click();
    await waitReady(page);
    d.drill = { before, after: await page.$eval("#dash-unit", (s) => s.value) };
    await choose(page, "#dash-unit", "");

    // other breakdowns
    await page.click('.dash-tabs button:text-is("按内容分类")');
    d.category_rows = await page.$$eval(".dash-breakdown tbody tr td:first-child", (n) => n.map((x) => x.textContent));

    // printable report: print CSS shows the report head and hides the controls
    await page.emulateMedia({ media: "print" });
    d.print = {
      report_head_visible: await page.locator(".dash-report-head").isVisible(),
      report_title: await page.locator(".dash-report-head h1").textContent(),
      toolbar_hidden: !(await page.locator(".dash-toolbar").isVisible()),
      topbar_hidden: !(await page.locator(".topbar").isVisible()),
    };
    const printShot = join(args.screenshots, "console_dashboard_print.png");
    await page.screenshot({ path: printShot, fullPage: true });
    result.screenshots.push(printShot);
    await page.emulateMedia({ media: "screen" });
    result.dashboard = d;
  } finally {
    await close();
  }
}

async function transparencyRun(args, result) {
  const { context, close } = await openProfile({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await context.newPage();
    watch(page, result);
    await page.goto(`${args.url}/transparency`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector('body[data-state="ready"]');
    const t = {};
    t.title = await page.title();
    t.cards = await page.$$eval("#totals .card", (cards) => cards.map((c) => c.textContent));
    t.chart_drawn = await page.$eval(
      "#monthly-chart",
      (c) => Boolean(window.Chart && window.Chart.getChart(c) && c.width > 0)
    );
    t.unit_rows = await page.$$eval("#by-unit tbody tr", (rows) => rows.map((r) => r.textContent));
    t.no_horizontal_scroll = await page.evaluate(
      () => document.documentElement.scrollWidth <= window.innerWidth + 1
    );
    const text = await page.evaluate(() => document.body.innerText);
    t.leaks = args.secrets.filter((s) => text.includes(s));
    const shot = join(args.screenshots, "transparency_phone.png");
    await page.screenshot({ path: shot, fullPage: true });
    result.screenshots.push(shot);
    result.transparency = t;
  } finally {
    await close();
  }
}

function check(result, args) {
  const failures = [];
  const expect = (ok, what) => {
    if (!ok) failures.push(what);
  };
  const d = result.dashboard || {};
  expect(d.nav_active === "统计分析", "nav shows 统计分析");
  expect(d.kpis && d.kpis["信访件"] === String(args.total), "total on the card");
  expect(d.canvases >= 6 && d.charts_drawn === d.canvases, "every chart drawn");
  expect(d.csv && d.csv.starts_with_bom && d.csv.title === "信访统计分析报表", "CSV title");
  expect(d.csv && d.csv.total_line.startsWith(`合计,${args.total},`), "CSV totals");
  expect(d.csv && d.csv.sections.length === 5 && d.csv.leaks.length === 0, "CSV sections, no personal data");
  expect(d.filtered_kpis && d.filtered_kpis["信访件"] === String(args.category_total), "category filter");
  expect(d.drill && d.drill.before === "" && d.drill.after !== "", "drill down");
  expect(d.hot_rows && d.hot_rows.length === 2 && d.warnings.length === 1, "hot issues and warnings");
  expect(d.injected_elements === 0, "server text shown as text");
  expect(d.print && d.print.report_head_visible && d.print.toolbar_hidden, "print view");
  const t = result.transparency || {};
  expect(t.chart_drawn === true && t.no_horizontal_scroll === true, "transparency on a phone");
  expect(t.leaks && t.leaks.length === 0, "transparency without personal data");
  expect(result.page_errors.length === 0 && result.console_errors.length === 0, "no errors");
  expect(result.dialogs.length === 0, "no dialogs");
  return failures;
}

async function main() {
  const args = JSON.parse(process.argv[2] || "{}");
  args.screenshots = resolve(args.screenshots || "var/screenshots");
  args.secrets = args.secrets || [];
  const result = {
    dialogs: [],
    page_errors: [],
    console_errors: [],
    optional_404s: [],
    screenshots: [],
  };
  try {
    await dashboardRun(args, result);
    await transparencyRun(args, result);
  } catch (err) {
    result.error = String(err && err.stack ? err.stack : err);
  }
  result.failures = check(result, args);
  if (result.error) result.failures.push(result.error);
  result.ok = result.failures.length === 0;
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  process.exit(result.ok ? 0 : 1);
}

main();
