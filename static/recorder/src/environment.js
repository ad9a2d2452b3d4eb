// The `sr.env` custom event: what an agent needs to reproduce the customer's setup.
import { maskUrl } from "./masking.js";

const BROWSERS = [
  ["Edge", /Edg\/([\d.]+)/],
  ["Opera", /OPR\/([\d.]+)/],
  ["Samsung Internet", /SamsungBrowser\/([\d.]+)/],
  ["Firefox", /Firefox\/([\d.]+)/],
  ["Chrome", /(?:HeadlessChrome|Chrome|CriOS)\/([\d.]+)/],
  ["Safari", /Version\/([\d.]+).*Safari/],
];
const SYSTEMS = [
  ["Windows", /Windows NT ([\d.]+)/],
  ["iOS", /(?:iPhone|iPad|iPod).*OS ([\d_]+)/],
  ["macOS", /Mac OS X ([\d_.]+)/],
  ["Android", /Android ([\d.]+)/],
  ["ChromeOS", /CrOS/],
  ["Linux", /Linux/],
];

function match(table, ua) {
  for (const [name, re] of table) {
    const m = re.exec(ua);
    if (m) return { name, version: m[1] ? m[1].replace(/_/g, ".") : "" };
  }
  return { name: "Unknown", version: "" };
}

/** Browser and OS names from a user agent string (coarse on purpose: enough to reproduce, no fingerprint). */
export function parseUserAgent(ua) {
  const browser = match(BROWSERS, ua || "");
  const os = match(SYSTEMS, ua || "");
  return {
    browser: `${browser.name} ${browser.version.split(".")[0] || ""}`.trim(),
    browserVersion: browser.version,
    os: `${os.name} ${os.version}`.trim(),
    mobile: /Mobi|Android|iPhone|iPad/.test(ua || ""),
  };
}

export function collectEnvironment(win, extra = {}) {
  const nav = win.navigator || {};
  const ua = nav.userAgent || "";
  let timezone = "";
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    timezone = "";
  }
  return {
    userAgent: ua,
    ...parseUserAgent(ua),
    viewport: { width: win.innerWidth, height: win.innerHeight },
    screen: win.screen ? { width: win.screen.width, height: win.screen.height } : null,
    dpr: win.devicePixelRatio || 1,
    timezone,
    timezoneOffset: new Date().getTimezoneOffset(),
    languages: Array.from(nav.languages || [nav.language].filter(Boolean)),
    url: maskUrl(win.location.href),
    // Another site's URL may carry that site's ids and tokens: its origin and path are enough.
    referrer: win.document && win.document.referrer ? maskUrl(win.document.referrer.split(/[?#]/)[0]) : "",
    title: win.document ? win.document.title : "",
    cookiesEnabled: !!nav.cookieEnabled,
    online: nav.onLine !== false,
    ...extra,
  };
}
