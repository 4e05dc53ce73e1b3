"""Elder mode (长辈版, R-SEC-8) for browser tests: ``enable_elder_mode(user)`` turns it on for an
account through the service an owner's switch calls, so that a test can open every page in both
modes (tests/browser/test_accessibility.py); ``MEASURE`` is the script test_elder_mode.py runs on
each page to measure the MIIT figures."""

from __future__ import annotations

from ownervote.identity import services


def enable_elder_mode(user) -> None:
    """The stored preference of ``user`` set on, as the switch on the owner home sets it."""
    services.elder_mode_set(actor=user, on=True)


def disable_elder_mode(user) -> None:
    services.elder_mode_set(actor=user, on=False)


# What the page breaks of the elder-mode figures, measured from computed styles and element boxes:
# - text: every visible element with text of its own: font-size at least 24px (18 pt), line-height
#   at least 1.3 times it ("normal" is about 1.2: refused), contrast of its colour against the
#   effective background at least 4.5:1 (WCAG's relative luminance, alpha blended up the ancestors);
# - targets: every visible link, button, field and summary at least 60x60 (a radio or checkbox
#   counts with the label that wraps it: that is what the thumb presses);
# - pop-ups and timers: no open <dialog>, no [aria-modal], no fixed box over a quarter of the
#   screen but the tab bar, no <meta http-equiv=refresh>, no script that calls confirm/alert/prompt
#   or starts a timer;
# - overflow: the page no wider than the phone's screen.
MEASURE = r"""() => {
  const MIN_FONT = 24, MIN_LINE = 1.3, MIN_CONTRAST = 4.5, MIN_TARGET = 60;
  const out = {owner: document.body.classList.contains("ov-owner"),
               elder: document.documentElement.classList.contains("ov-elder"),
               text: [], contrast: [], targets: [], popups: [], timers: [], overflow: [],
               checked: {text: 0, targets: 0}};
  const name = (el) => {
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    const text = (el.textContent || el.value || "").trim().replace(/\s+/g, " ").slice(0, 24);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} "${text}"`;
  };
  const visible = (el) => {
    for (let up = el; up && up !== document.documentElement; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.display === "none" || s.visibility === "hidden" || s.opacity === "0") return false;
      if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") return false;
    }
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;
  };
  // Colours: "rgb(r, g, b)" or "rgba(r, g, b, a)" -> [r, g, b, a].
  const rgba = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {  // top (with alpha) over an opaque colour
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  // The colour behind el: the background colours of el and its ancestors, from the root (white)
  // inwards, each laid over the ones below.
  const background = (el) => {
    const layers = [];
    for (let up = el; up; up = up.parentElement) layers.push(rgba(getComputedStyle(up).backgroundColor));
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) if (layer[3] > 0) colour = over(layer, colour);
    return colour;
  };
  // WCAG 2.x relative luminance and contrast ratio.
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION"].includes(el.tagName)) continue;
    const field = el.matches(
      "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea");
    if (!(ownText(el) || (field && (el.value || "").trim())) || !visible(el)) continue;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    out.checked.text += 1;
    if (size < MIN_FONT - 0.01) out.text.push(`${name(el)} font-size ${size}px`);
    const line = s.lineHeight === "normal" ? 1.2 * size : parseFloat(s.lineHeight);
    if (line / size < MIN_LINE - 0.001) out.text.push(`${name(el)} line-height ${s.lineHeight} of ${size}px`);
    const fg = rgba(s.color), bg = background(el);
    const ratio = contrast(over(fg, bg), bg);
    const behind = `rgb(${bg.slice(0, 3).map(Math.round)})`;
    if (ratio < MIN_CONTRAST)
      out.contrast.push(`${name(el)} ${ratio.toFixed(2)}:1 (${s.color} on ${behind})`);
  }
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "label:has(input, select, textarea)";
  for (const el of document.body.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    let box = el.getBoundingClientRect();
    const label = el.closest("label");
    if (el.matches("input[type=radio], input[type=checkbox]") && label) box = label.getBoundingClientRect();
    out.checked.targets += 1;
    if (box.width < MIN_TARGET - 0.5 || box.height < MIN_TARGET - 0.5)
      out.targets.push(`${name(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  const modal = "dialog[open], [aria-modal=true], [role=dialog], [role=alertdialog]";
  for (const el of document.querySelectorAll(modal))
    if (visible(el)) out.popups.push(name(el));
  const area = window.innerWidth * window.innerHeight;
  for (const el of document.body.querySelectorAll("*")) {
    const s = getComputedStyle(el);
    if (s.position !== "fixed" || el.closest(".ov-tabbar") || !visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width * box.height > area / 4) out.popups.push(`${name(el)} fixed over the page`);
  }
  // Larger text must not push the page sideways (against the screen, not innerWidth: a mobile
  // browser zooms out to show a page wider than the screen).
  const wide = document.documentElement.scrollWidth;
  if (wide > screen.width) out.overflow.push(`the page is ${wide}px wide on a ${screen.width}px screen`);
  if (document.querySelector("meta[http-equiv=refresh i]")) out.timers.push("meta refresh");
  const timer = /\b(setTimeout|setInterval|confirm|alert|prompt)\s*\(/;
  for (const script of document.scripts) {
    const call = script.textContent.match(timer);
    if (call) out.timers.push(`script calls ${call[1]}`);
  }
  return out;
}"""


def offences(found: dict, url: str) -> list[str]:
    """What a page breaks of the elder-mode figures (``found``: MEASURE's answer), each line
    naming the page and the element; [] when it breaks none."""
    lines = [] if found["elder"] else ["not in elder mode (<html> lacks the class ov-elder)"]
    for kind in ("text", "contrast", "targets", "popups", "timers", "overflow"):
        lines += [f"{kind}: {x}" for x in found[kind]]
    return [f"{url}: {line}" for line in lines]
