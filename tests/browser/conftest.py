"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Fixtures
    browser      one headless Chromium per test process (per xdist worker), session-scoped
    page         a fresh context at 1280x900, desktop; ``page.goto("/console/login/")`` is relative
                 to the live server
    phone_page   a fresh context at 390x844, mobile user agent, touch
    login        ``login(page, username, password)``: signs in through /console/login/ and, where
                 the second factor is required and the user has a device, passes it
    screenshot   ``screenshot(page, name)``: a full-page PNG, into docs/screenshots/ when
                 OWNERVOTE_SCREENSHOTS=1 (for the README), else into a temporary directory

Every test under tests/browser/ is marked ``browser`` (``pytest -m "not browser"`` skips them).
Each uses ``live_server``, so it runs with ``transactional_db``: create its data in the test,
through the services, and it is flushed afterwards. Under xdist each worker has its own test
database, live server and Chromium.

Chromium: /usr/bin/chromium (Debian's ``chromium`` package), or OWNERVOTE_CHROMIUM. Playwright
never downloads a browser here. Without Chromium the tests are skipped on a laptop, and fail
when CI is set: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent
REPO_DIR = BROWSER_DIR.parents[1]
SCREENSHOT_DIR = REPO_DIR / "docs" / "screenshots"
FAILURE_DIR = REPO_DIR / "test-artifacts" / "browser"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine's network is closed: without these Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
TIMEOUT_MS = 20_000  # a click or a wait longer than this is a failure, not a slow page


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    """The Chromium to drive, or None. OWNERVOTE_CHROMIUM may be a path or a command name."""
    wanted = os.environ.get("OWNERVOTE_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(wanted)
    if found:
        return found
    return shutil.which("chromium") if "OWNERVOTE_CHROMIUM" not in os.environ else None


def _unavailable(reason: str) -> None:
    if _on_ci():
        pytest.fail(f"{reason} (CI is set: browser tests must run, not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A conftest hook sees the whole session's items: mark only the ones in this directory.
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        # pytest-django creates the test databases only for tests that ask for them by marker or
        # by a fixture named in the signature. A test reaching `page` through
        # request.getfixturevalue() would otherwise run against (and flush!) the real database.
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    # Remembered so that the page fixtures can save a screenshot of a failed test.
    setattr(item, f"_report_{report.when}", report)
    return report


def _driver_diagnosis() -> str:
    """Why Playwright's bundled Node.js does not run, in its own words (a missing libatomic.so.1
    on a minimal Debian: `apt-get install libatomic1`)."""
    import subprocess

    try:
        from playwright._impl._driver import compute_driver_executable

        node = compute_driver_executable()[0]
        done = subprocess.run(  # noqa: S603 - Playwright's own binary
            [node, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except Exception as exc:  # diagnosis only
        return f"Could not run the driver's node: {exc}"
    if done.returncode == 0:
        return ""
    return f"Its node ({node}) says: {done.stderr.strip()[:300]}"


# --------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def _playwright() -> Iterator:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is in requirements.lock
        _unavailable(f"playwright is not installed ({exc}); run `make install`")
    # From start() to stop(), Playwright's sync API keeps an asyncio loop running in this thread,
    # and Django refuses ORM calls made from it ("You cannot call this from an async context"):
    # the test code's own ORM calls, and the tests run after it in this process.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        manager = sync_playwright().start()
    except Exception as exc:
        _unavailable(f"Playwright's driver did not start ({exc}). {_driver_diagnosis()}")
    yield manager
    manager.stop()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright) -> Iterator:
    executable = chromium_path()
    if executable is None:
        wanted = os.environ.get("OWNERVOTE_CHROMIUM", "/usr/bin/chromium")
        _unavailable(
            f"Chromium not found at {wanted}: install Debian's package (`apt-get install chromium`) "
            "or set OWNERVOTE_CHROMIUM; never `playwright install`"
        )
    # launch() gives Chromium a new, empty profile (user-data dir) in a temporary directory and
    # removes it on close; Playwright refuses --user-data-dir in args for that reason.
    instance = _playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS, timeout=60_000
    )
    yield instance
    instance.close()


def _new_page(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


def _close(request: pytest.FixtureRequest, context, page, label: str) -> None:
    report = getattr(request.node, "_report_call", None)
    if report is not None and report.failed:
        FAILURE_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(FAILURE_DIR / f"{name}-{label}.png"), full_page=True)
        except Exception as exc:  # best effort: the test's own failure is what matters
            print(f"could not save a failure screenshot: {exc}")
    context.close()


def new_phone_page(browser, live_server, **options):
    """A new context and its page as a 390x844 phone (for a test that needs one per account; the
    caller closes the context). ``options`` go to the context (``bypass_csp=True`` for a test that
    injects a script of its own)."""
    return _new_page(
        browser,
        live_server,
        viewport=PHONE,
        screen=PHONE,
        user_agent=PHONE_USER_AGENT,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        **options,
    )


# The page fixtures ask for transactional_db themselves: pytest-django's own helper only turns it
# on for tests that name live_server statically, not for request.getfixturevalue("page").


@pytest.fixture
def page(transactional_db, live_server, browser, request) -> Iterator:
    """A desktop page (1280x900) whose relative URLs go to the live server."""
    context, page = _new_page(browser, live_server, viewport=DESKTOP)
    yield page
    _close(request, context, page, "desktop")


@pytest.fixture
def phone_page(transactional_db, live_server, browser, request) -> Iterator:
    """A phone page (390x844, touch, mobile user agent): how owners open the pages in WeChat."""
    context, page = new_phone_page(browser, live_server)
    yield page
    _close(request, context, page, "phone")


# --------------------------------------------------------------------------------------------
# Helpers


def login(page, username: str, password: str, *, next_url: str | None = None) -> None:
    """Sign in through the console's login form; fails with the page's text if still there after."""
    url = "/console/login/" + (f"?next={next_url}" if next_url else "")
    page.goto(url)
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")
    if "/console/login/" in page.url:
        text = page.locator("body").inner_text()[:500]
        pytest.fail(f"login as {username!r} did not leave the login page; it says:\n{text}", pytrace=False)
    if "/console/2fa/" in page.url and page.locator('input[name="token"]').count():
        pass_second_factor(page, username)


def current_totp(device) -> str:
    """The code ``device`` accepts now: never one it already accepted (django-otp refuses a replay;
    its tolerance of one step takes the next one)."""
    from django_otp.oath import TOTP

    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.drift += max(0, device.last_t + 1 - clock.t())
    return f"{clock.token():0{device.digits}d}"


def pass_second_factor(page, username: str) -> None:
    """On the 2FA page (R-SEC-1), type the code of the user's TOTP device (the first one, confirmed
    or being enrolled), computed from its key as the authenticator app would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "pk").first()
    if device is None:
        pytest.fail(f"{username!r} must pass two-step verification but has no TOTP device", pytrace=False)
    page.locator('input[name="token"]').fill(current_totp(device))
    with page.expect_navigation():
        page.locator('input[name="token"]').press("Enter")
    if "/console/2fa/" in page.url:
        text = page.locator("body").inner_text()[:500]
        pytest.fail(f"{username!r} did not pass two-step verification; the page says:\n{text}", pytrace=False)


@pytest.fixture(name="login")
def login_fixture() -> Callable[..., None]:
    return login


@pytest.fixture(scope="session")
def _screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("OWNERVOTE_SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        return SCREENSHOT_DIR
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def screenshot(_screenshot_dir: Path) -> Callable[..., Path]:
    """screenshot(page, "console-login-phone") -> the PNG's path (full page)."""

    def take(page, name: str, *, full_page: bool = True) -> Path:
        if not re.fullmatch(r"[\w.-]+", name):
            raise ValueError(f"screenshot name {name!r}: use letters, digits, '-', '_' and '.' only")
        path = _screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
