"""Every page of the seeded demo fits a 390x844 phone, as each demo account (issue 22: "a walk of
every demo page as each demo account on a 390x844 screen shows no horizontal overflow").

The pages are the ones tests/demo/test_crawl.py opens (tests/democrawl.py: the links and htmx
requests each page offers from the demo's starting points, a few of each route), the whole HTML
documents among them. Each account signs in as a person does (staff with their password, owners
with an SMS code) in one phone context, and every page is opened there in turn: the page itself
must not scroll sideways: ``document.documentElement.scrollWidth`` at most the screen's 390 px. A wide
table inside its own scrolling box (``overflow-x: auto``) is allowed; that is how the staff's
tables fit, and a keyboard reaches that box (``tabindex="0"``, console.js; WCAG 2.1.1). A failure
names the account, the page and the elements that stick out or cannot be reached."""

from __future__ import annotations

from django.test import Client

from ownervote.demo import seed
from ownervote.roster import demo
from tests.browser.conftest import PHONE, new_phone_page
from tests.browser.test_owner_journeys import owner_sign_in
from tests.democrawl import crawl, demo_owner_users, demo_staff, demo_start

# The elements that stick out of the screen and are not inside a box of their own that scrolls or
# clips sideways; of those, the innermost (an outer one sticks out because of what it holds).
OVERFLOW = """(width) => {
  const page = document.documentElement.scrollWidth;
  if (page <= width) return {width, page, culprits: []};
  const boxed = (el) => {
    for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5 && !boxed(el);
  });
  // Nothing unboxed: an absolutely positioned element whose containing block lies outside the box
  // that scrolls (a visually hidden label in a scrolling table) still widens the page.
  const loose = out.length ? out : [...document.body.querySelectorAll("*")].filter((el) =>
    el.getBoundingClientRect().right > width + 0.5 && getComputedStyle(el).position === "absolute");
  const innermost = loose.filter((el) => !loose.some((other) => other !== el && el.contains(other)));
  const name = (el) => {
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 30);
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} (to ${right}px) "${text}"`;
  };
  return {width, page, culprits: innermost.slice(0, 4).map(name)};
}"""


# The boxes that scroll sideways but a keyboard cannot reach (no tabindex: Tab skips them).
UNREACHABLE = """() => [...document.querySelectorAll("main *")].filter((el) =>
  getComputedStyle(el).overflowX === "auto" && el.scrollWidth > el.clientWidth + 1 && el.tabIndex < 0
  && !el.querySelector("a[href], button, input, select, textarea, [tabindex]")
).map((el) =>
  `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${(el.textContent || "").trim().slice(0, 30)}"`
)"""


# The interactive API documentation is Swagger UI's own page, for developers at a desk, not a page of
# the product: it is left out of the walk.
NOT_FOR_PHONES = ("/api/",)


def _pages(user, start: list[str], files: set) -> list[str]:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    documents = crawl(client, start, files).documents
    # A download once met stays out of every later crawl (files); the pages are the HTML documents.
    return [url for url in dict.fromkeys(documents) if not url.startswith(NOT_FOR_PHONES)]


def _walk(page, who: str, urls: list[str]) -> list[str]:
    report = []
    for url in urls:
        page.goto(url, wait_until="load")
        # Against the phone's width, not window.innerWidth: a mobile browser zooms out to show a
        # page wider than the screen, and its innerWidth then grows with the page.
        found = page.evaluate(OVERFLOW, PHONE["width"])
        if found["page"] > found["width"]:
            culprits = "; ".join(found["culprits"]) or "?"
            report.append(f"{who}: {url} is {found['page']}px wide on a {found['width']}px phone: {culprits}")
        if unreachable := page.evaluate(UNREACHABLE):
            report.append(f"{who}: {url} scrolls sideways where no key reaches: {'; '.join(unreachable)}")
    return report


def test_every_demo_page_fits_a_phone_for_every_demo_account(browser, live_server, login):
    seed.seed()
    start = demo_start()
    staff = demo_staff()
    owners = demo_owner_users()
    assert {"city", "futian", "shatou", "community", "convener"} <= {u.username for u in staff}
    assert owners, "the demo's owners have no account"
    files: set = set()
    report, walked = [], 0
    accounts = [("anonymous", None, None), *[(user.username, user, None) for user in staff]]
    accounts += [(f"owner {mobile}", user, mobile) for mobile, user in owners]
    for who, user, mobile in accounts:
        urls = _pages(user, start, files)
        assert len(urls) > 3, f"{who} reached only {urls}"
        context, page = new_phone_page(browser, live_server)
        try:
            if mobile is not None:
                owner_sign_in(page, mobile)
            elif user is not None:
                login(page, user.username, demo.DEMO_PASSWORD)
            report += _walk(page, who, urls)
        finally:
            context.close()
        walked += len(urls)
    print(f"{walked} pages walked as {len(accounts)} accounts")
    assert not report, f"{len(report)} pages scroll sideways on a phone:\n" + "\n".join(report)
