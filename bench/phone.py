"""Benchmark: the owner's voting pages on a throttled phone (Chromium, DevTools protocol).

    make bench-phone                # FLATS=50 RUNS=3

What it does, all by itself:
1. creates a fresh PostgreSQL database (``BENCH_PHONE_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/ownervote_bench_phone; it is dropped first), migrates it and
   generates a small estate with ``cast.generate``: FLATS flats, one verified owner bound to each,
   a signed-in session per owner and one open meeting of 20 yes/no items;
2. collects the static files (whitenoise: compressed, hashed names, cached for ever) into
   var/bench/static-phone and starts gunicorn with the production settings on 127.0.0.1:8768;
3. drives Debian's Chromium headless with Playwright (as tests/browser does) on a phone: 360x740,
   device scale 2, touch, a WeChat (Android) user agent, the owner's session cookie, and the header
   the TLS-terminating proxy adds (``X-Forwarded-Proto: https``) so the production security
   settings stay on. A CDP session throttles the network (``Network.emulateNetworkConditions``)
   and the CPU (``Emulation.setCPUThrottlingRate``);
4. opens two pages of one owner, each RUNS times per profile: ``vote`` /m/meetings/<id>/vote/ (the
   flats the owner may vote for, one "Vote for ..." button each) and ``ballot``
   /m/meetings/<id>/vote/ballot/?flats=.. (the 20-item ballot itself). A run is a cold load (a new
   browser context: empty cache, no connection) and then a warm load of the same page in the same
   context (the static files come from the cache; the page itself is never cached);
5. prints per profile and page the medians of: bytes transferred (the sum of ``encodedDataLength``
   of ``Network.loadingFinished``: headers and bodies as they came over the wire), requests that
   went to the network, the HTML received, first contentful paint, DOMContentLoaded, load, and
   "usable".

"Usable" is the time from the navigation's start to the first animation frame in which the page
can be used: the first answer control (the ballot's first "Agree" radio; on the vote page the
first "Vote for ..." button) exists, is visible and enabled, the page's HTML is parsed and its
script has run (``document.readyState`` is no longer "loading": the ballot's inline script that
counts election choices runs during parsing), and the browser renders frames (no render-blocking
stylesheet is still pending: Chromium runs no animation frame before it). The ballot works
without JavaScript; nothing else is needed to tap an answer.

Profiles (Chrome DevTools and Lighthouse presets):
    slow-3g     DevTools "Slow 3G": 2000 ms request latency (400 ms x 5), 500 kbit/s x 0.8 =
                50,000 bytes/s down and up; CPU 4x slower. The target profile.
    regular-3g  Lighthouse "regular 3G": 1125 ms (300 ms x 3.75), 700 kbit/s x 0.9; CPU 4x.
    none        no network throttling, CPU 1x: what the page costs on this machine.

DevTools throttling delays each response by the request latency, so nothing, not even the first
byte of the page, arrives before one latency has passed: on "slow 3G" no page can be usable in
under 2,000 ms. The table prints that floor and the time beyond it: what the product controls
(bytes, round trips before the first render: stylesheets, scripts, fonts; main-thread work).

Targets (issue 7): <= 150 KB transferred and usable in <= 2 s on "slow 3G, 4x CPU" (cold cache).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import cast  # noqa: E402 - the benchmark helpers next to this file

PORT = int(os.environ.get("BENCH_PHONE_PORT", "8768"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ownervote_bench_phone"
BASE = f"http://127.0.0.1:{PORT}"
TARGET_BYTES = 150 * 1024
TARGET_USABLE_MS = 2000
TIMEOUT_MS = 120_000
# As tests/browser/conftest.py launches Debian's Chromium (the machine's network is closed).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORT = {"width": 360, "height": 740}
WECHAT_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/3G "
    "Language/zh_CN ABI/arm64"
)
PROFILES = {
    "slow-3g": {"latency": 400 * 5, "down": 500 * 1000 / 8 * 0.8, "up": 500 * 1000 / 8 * 0.8, "cpu": 4},
    "regular-3g": {"latency": 300 * 3.75, "down": 700 * 1024 / 8 * 0.9, "up": 700 * 1024 / 8 * 0.9, "cpu": 4},
    "none": {"latency": 0, "down": -1, "up": -1, "cpu": 1},
}
TARGET_PROFILE = "slow-3g"
# What "usable" waits for on each page (see the docstring).
USABLE = {
    "vote": "#submission-1 a.weui-btn",
    "ballot": '#ballot-form fieldset input[type="radio"], #ballot-form fieldset input[type="checkbox"]',
}
# Installed in every document before its own scripts: stamps the first animation frame in which
# the page is usable. Chromium runs no animation frame while a render-blocking resource is pending.
PROBE = """
(() => {
  const selector = %s;
  function shown(el) {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none";
  }
  function frame() {
    const el = document.querySelector(selector);
    if (el && !el.disabled && document.readyState !== "loading" && shown(el)) {
      window.__ovUsable = performance.now();
      return;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();
"""
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
    fcp: fcp ? fcp.startTime : null, usable: window.__ovUsable, status: nav.responseStatus || 0,
  };
}"""


class Meter:
    """The network of one page through its CDP session: requests sent, those answered from the
    cache, and the bytes that came over the wire."""

    def __init__(self, cdp) -> None:
        self.reset()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def reset(self) -> None:
        self.sent, self.cached, self.bytes, self.urls = set(), set(), 0, {}

    def _sent(self, event) -> None:
        self.sent.add(event["requestId"])
        self.urls[event["requestId"]] = event["request"]["url"]

    def _cached(self, event) -> None:
        self.cached.add(event["requestId"])

    def _response(self, event) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _finished(self, event) -> None:
        self.bytes += int(event["encodedDataLength"])

    def network_requests(self) -> int:
        return len(self.sent - self.cached)


def throttle(cdp, profile: dict) -> None:
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile["latency"],
            "downloadThroughput": profile["down"],
            "uploadThroughput": profile["up"],
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})


def load(page, meter: Meter, url: str) -> dict:
    meter.reset()
    page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.__ovUsable !== undefined", timeout=TIMEOUT_MS)
    figures = page.evaluate(TIMINGS)
    page.wait_for_timeout(100)  # the last loadingFinished events
    if figures["status"] != 200 or page.url != url:
        raise SystemExit(f"{url} answered {figures['status']} at {page.url}: is the session valid?")
    figures.update(bytes=meter.bytes, requests=meter.network_requests(), urls=sorted(meter.urls.values()))
    return figures


def measure(browser, key: str, url: str, selector: str, profile: dict) -> tuple[dict, dict]:
    """One cold and one warm load of url in a new context."""
    context = browser.new_context(
        viewport=VIEWPORT,
        screen=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=WECHAT_USER_AGENT,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        # What the TLS-terminating proxy adds; the production settings would redirect to https.
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    try:
        # The session cookie is Secure in production; over plain HTTP on loopback the browser
        # would not send a Secure cookie set by us, and Django does not ask how it came.
        context.add_cookies([{"name": "sessionid", "value": key, "url": BASE, "httpOnly": True}])
        context.add_init_script(PROBE % json.dumps(selector))
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        meter = Meter(cdp)
        throttle(cdp, profile)
        cold = load(page, meter, url)
        warm = load(page, meter, url)
    finally:
        context.close()
    return cold, warm


def median(runs: list[dict], name: str) -> float:
    values = [r[name] for r in runs if r[name] is not None]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    flats = int(os.environ.get("FLATS", "50"))
    repeat = int(os.environ.get("RUNS", "3"))
    chosen = os.environ.get("PROFILES", " ".join(PROFILES)).split()
    chromium = os.environ.get("OWNERVOTE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        raise SystemExit(f"no Chromium at {chromium}: apt-get install chromium, or set OWNERVOTE_CHROMIUM")
    cast.VAR.mkdir(parents=True, exist_ok=True)
    env = cast.environment()
    env["DATABASE_URL"] = os.environ.get("BENCH_PHONE_DATABASE_URL", DEFAULT_URL)
    env["OWNERVOTE_STATIC_ROOT"] = str(cast.VAR / "static-phone")
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    print(f"phone benchmark: {flats} flats, 20 items, {repeat} runs, profiles {', '.join(chosen)}")
    cast.fresh_database(env["DATABASE_URL"])
    plan = cast.generate(flats, [1])
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "--clear", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    meeting_id = plan["runs"][0]["real"][0]
    key, flat_id = plan["keys"][0], plan["flats"][0]
    pages = {
        "vote": f"{BASE}/m/meetings/{meeting_id}/vote/",
        "ballot": f"{BASE}/m/meetings/{meeting_id}/vote/ballot/?flats={flat_id}",
    }
    server = cast.start_server(env, 2, 4, port=PORT, log_name="gunicorn-phone.log")
    results: dict[tuple[str, str], tuple[list[dict], list[dict]]] = {}
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                for name in chosen:
                    for label, url in pages.items():
                        cold, warm = [], []
                        for _ in range(repeat):
                            c, w = measure(browser, key, url, USABLE[label], PROFILES[name])
                            cold.append(c)
                            warm.append(w)
                        results[(name, label)] = (cold, warm)
                        print(f"  {name:<10} {label:<6} usable (cold) {median(cold, 'usable'):>6.0f} ms")
            finally:
                browser.close()
    finally:
        cast.stop_server(server)
    report(results, chosen)


def report(results: dict, chosen: list[str]) -> None:
    print()
    for (name, label), (cold_runs, warm_runs) in results.items():
        if label == "vote":
            print(f"profile {name}: " + _describe(PROFILES[name]))
            print(
                f"  {'page':<7}{'cache':<6}{'KB':>7}{'reqs':>5}{'html':>7}{'FCP':>7}{'DCL':>7}{'load':>7}"
                f"{'usable':>8}{'floor':>7}{'beyond':>8}"
            )
        floor = PROFILES[name]["latency"]
        for cache, runs in (("cold", cold_runs), ("warm", warm_runs)):
            usable = median(runs, "usable")
            print(
                f"  {label:<7}{cache:<6}{median(runs, 'bytes') / 1024:>7.1f}{median(runs, 'requests'):>5.0f}"
                f"{median(runs, 'html'):>7.0f}{median(runs, 'fcp'):>7.0f}{median(runs, 'dcl'):>7.0f}"
                f"{median(runs, 'load'):>7.0f}{usable:>8.0f}{floor:>7.0f}{usable - floor:>8.0f}"
            )
    first = results[(chosen[0], "ballot")][0][0]
    print()
    print("requests of a cold ballot load: " + ", ".join(u.replace(BASE, "") for u in first["urls"]))
    print(
        "columns: KB transferred (headers + bodies as sent), requests that went to the network, "
        "times in ms from the navigation's start (median): html = the page's HTML fully received, "
        "FCP = first contentful paint, DCL = DOMContentLoaded; floor = one request latency, "
        "beyond = usable - floor"
    )
    if TARGET_PROFILE in chosen:
        print(
            f"targets ({TARGET_PROFILE}, 4x CPU, cold): <= {TARGET_BYTES // 1024} KB; usable <= "
            f"{TARGET_USABLE_MS} ms (the latency floor alone is {PROFILES[TARGET_PROFILE]['latency']} ms)"
        )
        for label in USABLE:
            cold_runs = results[(TARGET_PROFILE, label)][0]
            kb, usable = median(cold_runs, "bytes") / 1024, median(cold_runs, "usable")
            print(
                f"  {label:<7}{kb:>6.1f} KB {'ok' if kb * 1024 <= TARGET_BYTES else 'MISSED':<7}"
                f"usable {usable:>5.0f} ms {'ok' if usable <= TARGET_USABLE_MS else 'MISSED'}"
                f" ({usable - PROFILES[TARGET_PROFILE]['latency']:.0f} ms beyond the floor)"
            )


def _describe(profile: dict) -> str:
    if profile["down"] < 0:
        return f"no network throttling, CPU {profile['cpu']}x"
    return (
        f"latency {profile['latency']:.0f} ms, down {profile['down'] * 8 / 1000:.0f} kbit/s, "
        f"up {profile['up'] * 8 / 1000:.0f} kbit/s, CPU {profile['cpu']}x"
    )


if __name__ == "__main__":
    main()
