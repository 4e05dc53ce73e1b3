"""Comparing an archive with the result as it was published (R-RES-4, art. 27; R-SEC-5).

An archive that is consistent with itself proves only that its result is what its ballots give:
somebody who flips answers and recomputes the Merkle root and the result makes a forged archive
that is just as consistent. What ties an archive to the assembly is the Merkle root the public
result page published for its version. This module compares the two:

- ``expected_root(text)``: a root given by hand (``--expect-root``), checked to be 64 hex digits;
- ``fetch_published(url, version=N)``: the root published for version N, read over HTTP(S) from
  the public result page's address (``…/p/meetings/<id>/result/``: the version's JSON beside it,
  ``…/result/v<N>/root.json``, is read) or from that JSON's own address (``….json``);
- ``compare(archive_root, published)``: whether they are the same.

Pure Python (``urllib`` only): no Django, no third-party package. Every network failure becomes
``Unavailable`` with a code and a detail for people, never a traceback.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

HEX64 = re.compile(r"^[0-9a-f]{64}$")
TIMEOUT = 10.0  # seconds, for connecting and for each read
MAX_BYTES = 4 * 1024 * 1024  # the root and the published result (a few KB per item)
ROOT_JSON = "v{version}/root.json"


class Unavailable(Exception):
    """The published root could not be read. ``code``: ``url`` (not an http(s) address),
    ``network`` (offline, refused, timed out), ``http`` (an HTTP error status: ``detail`` has it),
    ``json`` (not the root's JSON) or ``root`` (the JSON has no valid root)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Published:
    """A root as published: ``source`` says where it was read (the URL, or "--expect-root");
    ``version`` is the result version the source says it belongs to (None when given by hand)."""

    root: str
    source: str
    version: int | None = None


def normalise(text: object) -> str:
    return str(text or "").strip().lower()


def is_root(text: object) -> bool:
    return bool(HEX64.match(normalise(text)))


def expected_root(text: str) -> Published:
    """The root given by hand. ValueError when it is not 64 hex digits."""
    root = normalise(text)
    if not HEX64.match(root):
        raise ValueError(text)
    return Published(root=root, source="--expect-root")


def root_url(url: str, version: object) -> str:
    """The address of the root's JSON for result ``version``: ``url`` itself when it names a
    ``.json``; else ``url`` is the public result page and the JSON is ``v<version>/root.json``
    beside it (query and fragment dropped). ``Unavailable("url")`` unless http or https."""
    parts = urllib.parse.urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Unavailable("url", str(url))
    if parts.path.endswith(".json"):
        return urllib.parse.urlunsplit(parts)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, path + ROOT_JSON.format(version=version), "", "")
    )


Opener = Callable[..., object]


def _read(address: str, *, timeout: float, opener: Opener) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in root_url
        address, headers={"Accept": "application/json", "User-Agent": "ownervote-verify"}
    )
    try:
        with opener(request, timeout=timeout) as response:
            return response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise Unavailable("http", f"{exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise Unavailable("network", str(exc.reason)) from exc
    except (TimeoutError, OSError) as exc:
        raise Unavailable("network", str(exc) or type(exc).__name__) from exc


def fetch_published(
    url: str, *, version: object, timeout: float = TIMEOUT, opener: Opener = urllib.request.urlopen
) -> Published:
    """The Merkle root published for result ``version`` at ``url`` (see ``root_url``)."""
    address = root_url(url, version)
    body = _read(address, timeout=timeout, opener=opener)
    if len(body) > MAX_BYTES:
        raise Unavailable("json", f"more than {MAX_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Unavailable("json", address) from exc
    if not isinstance(data, dict):
        raise Unavailable("json", address)
    root = normalise(data.get("merkle_root"))
    if not HEX64.match(root):
        raise Unavailable("root", address)
    published_version = data.get("version")
    return Published(
        root=root,
        source=address,
        version=published_version if isinstance(published_version, int) else None,
    )


def compare(archive_root: object, published: Published) -> bool:
    return normalise(archive_root) == published.root
