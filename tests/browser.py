"""Headless Chromium for tests: dump the DOM, take a screenshot, print to PDF.

Not a test module: a helper that tests import. Every run gets a fresh, throw-away profile and
a proxy to nowhere (``127.0.0.1:9``, loopback included), so a page that tried to fetch anything
from the network would fail to load it; ``file://`` pages are not affected. Chromium runs with
``--no-sandbox`` because tests run as root in containers.

Tests call :func:`find_chromium` and skip, with :data:`NO_BROWSER_REASON`, when it is ``None``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

#: Executable names tried, in order, by :func:`find_chromium`.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Seconds allowed for one Chromium run.
TIMEOUT = 120

#: Reason given by tests skipped for want of a browser.
NO_BROWSER_REASON = (
    "no Chromium/Chrome found on PATH (tried: " + ", ".join(CHROMIUM_NAMES) + "); "
    "install Debian's 'chromium' package to run the browser checks"
)

BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    # a proxy to nowhere: any network request fails, which proves the page is offline
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


class BrowserError(RuntimeError):
    """Chromium could not be found, failed, timed out or produced no output."""


def find_chromium() -> str | None:
    """Return the path of a Chromium or Chrome executable, or ``None`` if there is none.

    Returns
    -------
    str or None
        The first of :data:`CHROMIUM_NAMES` found on ``PATH``.
    """
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _file_url(html_path: str | Path) -> str:
    path = Path(html_path).resolve()
    if not path.is_file():
        raise BrowserError(f"no such page: {path}")
    return path.as_uri()


def _run(extra: Sequence[str], url: str, *, timeout: float = TIMEOUT) -> str:
    """Run headless Chromium once with ``extra`` flags on ``url``; return its stdout.

    Raises
    ------
    BrowserError
        No browser, a non-zero exit status or a timeout.
    """
    exe = find_chromium()
    if exe is None:
        raise BrowserError(NO_BROWSER_REASON)
    with tempfile.TemporaryDirectory(prefix="csp-chromium-") as profile:
        cmd = [exe, *BASE_FLAGS, f"--user-data-dir={profile}", *extra, url]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(
                f"Chromium did not finish within {timeout:g} s: {' '.join(cmd)}"
            ) from exc
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise BrowserError(
            f"Chromium exited with status {proc.returncode}: {' '.join(cmd)}\n{tail}"
        )
    return proc.stdout


def dump_dom(html_path: str | Path) -> str:
    """Load a page and return its DOM after scripts ran (``--dump-dom``).

    Parameters
    ----------
    html_path : str or Path
        The HTML file, opened as a ``file://`` URL.

    Returns
    -------
    str
        The serialised DOM.
    """
    dom = _run(["--virtual-time-budget=5000", "--dump-dom"], _file_url(html_path))
    if "<html" not in dom.lower():
        raise BrowserError(f"Chromium returned no DOM for {html_path}")
    return dom


def screenshot(
    html_path: str | Path, png_path: str | Path, width: int = 1200, height: int = 2000
) -> Path:
    """Take a PNG screenshot of the top ``width`` x ``height`` pixels of a page.

    Parameters
    ----------
    html_path : str or Path
        The HTML file.
    png_path : str or Path
        Where to write the PNG.
    width, height : int
        Window size in CSS pixels.

    Returns
    -------
    Path
        ``png_path``.
    """
    png_path = Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.unlink(missing_ok=True)
    _run(
        [
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            f"--window-size={int(width)},{int(height)}",
            f"--screenshot={png_path}",
        ],
        _file_url(html_path),
    )
    if not png_path.is_file() or png_path.stat().st_size == 0:
        raise BrowserError(f"Chromium wrote no screenshot to {png_path}")
    return png_path


def print_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Print a page to PDF as a user's "Print" would, with the page's own ``@page`` size.

    The browser's own header and footer (date, URL, page numbers) are left out, so the page's
    print stylesheet alone decides what appears in the margins.

    Parameters
    ----------
    html_path : str or Path
        The HTML file.
    pdf_path : str or Path
        Where to write the PDF.

    Returns
    -------
    Path
        ``pdf_path``.
    """
    pdf_path = Path(pdf_path).resolve()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.unlink(missing_ok=True)
    _run(
        [
            "--virtual-time-budget=5000",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
        ],
        _file_url(html_path),
    )
    if not pdf_path.is_file() or not pdf_path.read_bytes()[:5] == b"%PDF-":
        raise BrowserError(f"Chromium wrote no PDF to {pdf_path}")
    return pdf_path


# --------------------------------------------------------------------------------------------
# reading the text of the printed PDF
# --------------------------------------------------------------------------------------------

_OBJ_RE = re.compile(rb"(?m)^(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
_REF_RE = re.compile(rb"(\d+)\s+\d+\s+R")
_HEX_RE = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def pdf_page_texts(pdf_path: str | Path) -> list[str]:
    """Return the text of each page of a PDF, in page order.

    Uses poppler's ``pdftotext`` when it is on ``PATH``; otherwise a small reader that is enough
    for the PDFs Chromium (Skia) writes: uncompressed object syntax, ``FlateDecode`` content
    streams, ``Type0``/``Identity-H`` fonts with ``ToUnicode`` maps and hex-string ``Tj``/``TJ``.
    Words on a page are not guaranteed to be in reading order or spaced; use it to look for
    short strings such as the protective marking.

    Parameters
    ----------
    pdf_path : str or Path
        The PDF file.

    Returns
    -------
    list of str
        One string per page.

    Raises
    ------
    BrowserError
        The PDF has no pages that this reader understands.
    """
    pdf_path = Path(pdf_path)
    exe = shutil.which("pdftotext")
    if exe:
        proc = subprocess.run(
            [exe, "-enc", "UTF-8", str(pdf_path), "-"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if proc.returncode == 0:
            pages = proc.stdout.split("\f")
            if pages and not pages[-1].strip():
                pages = pages[:-1]
            return pages
    return _SimplePdf(pdf_path.read_bytes()).page_texts()


class _SimplePdf:
    """Just enough of a PDF reader to get the text of Chromium's printed pages."""

    def __init__(self, data: bytes) -> None:
        self.objects: dict[int, bytes] = {}
        for match in _OBJ_RE.finditer(data):
            self.objects[int(match.group(1))] = match.group(3)
        self._cmaps: dict[int, dict[bytes, str]] = {}

    def dictionary(self, num: int) -> bytes:
        body = self.objects.get(num, b"")
        cut = body.find(b"stream")
        return body if cut < 0 else body[:cut]

    def stream(self, num: int) -> bytes:
        body = self.objects.get(num, b"")
        match = _STREAM_RE.search(body)
        if not match:
            return b""
        raw = match.group(1)
        if b"/FlateDecode" in self.dictionary(num):
            try:
                return zlib.decompress(raw)
            except zlib.error:
                return zlib.decompressobj().decompress(raw)
        return raw

    def pages(self) -> list[int]:
        roots = [n for n in self.objects if re.search(rb"/Type\s*/Pages\b", self.dictionary(n))]
        kids_of = {n for r in roots for n in self._kids(r)}
        top = [r for r in roots if r not in kids_of]
        ordered: list[int] = []

        def walk(num: int) -> None:
            d = self.dictionary(num)
            if re.search(rb"/Type\s*/Pages\b", d):
                for kid in self._kids(num):
                    walk(kid)
            elif re.search(rb"/Type\s*/Page\b", d):
                ordered.append(num)

        for root in top:
            walk(root)
        return ordered

    def _kids(self, num: int) -> list[int]:
        match = re.search(rb"/Kids\s*\[(.*?)\]", self.dictionary(num), re.S)
        return [int(r) for r in _REF_RE.findall(match.group(1))] if match else []

    def _fonts(self, page: int) -> dict[bytes, int]:
        match = re.search(rb"/Font\s*<<(.*?)>>", self.dictionary(page), re.S)
        if not match:
            return {}
        return {
            name: int(ref)
            for name, ref in re.findall(rb"/([^\s/<>\[\]()]+)\s+(\d+)\s+\d+\s+R", match.group(1))
        }

    def _cmap(self, font: int) -> dict[bytes, str]:
        if font in self._cmaps:
            return self._cmaps[font]
        cmap: dict[bytes, str] = {}
        ref = re.search(rb"/ToUnicode\s+(\d+)\s+\d+\s+R", self.dictionary(font))
        text = self.stream(int(ref.group(1))) if ref else b""
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                cmap[bytes.fromhex(src.decode())] = _utf16(dst)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
            for lo, hi, dst in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
            ):
                start, end, width = int(lo, 16), int(hi, 16), len(lo) // 2
                if dst.startswith(b"["):
                    targets = [_utf16(h) for h in _HEX_RE.findall(dst)]
                else:
                    base = _utf16(dst[1:-1])
                    targets = [
                        base[:-1] + chr(ord(base[-1]) + i) if base else ""
                        for i in range(end - start + 1)
                    ]
                for i, target in enumerate(targets[: end - start + 1]):
                    cmap[(start + i).to_bytes(width, "big")] = target
        self._cmaps[font] = cmap
        return cmap

    def page_texts(self) -> list[str]:
        pages = self.pages()
        if not pages:
            raise BrowserError("no pages found in the PDF")
        texts = []
        for page in pages:
            fonts = self._fonts(page)
            contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", self.dictionary(page))
            refs = [int(r) for r in _REF_RE.findall(contents.group(1))] if contents else []
            content = b"\n".join(self.stream(r) for r in refs)
            texts.append(self._show_text(content, fonts))
        if not any(t.strip() for t in texts):
            raise BrowserError("no text could be read from the PDF")
        return texts

    def _show_text(self, content: bytes, fonts: dict[bytes, int]) -> str:
        out: list[str] = []
        cmap: dict[bytes, str] = {}
        token_re = re.compile(
            rb"/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf|(\[(?:[^\]\\]|\\.)*\])\s*TJ|(<[0-9A-Fa-f\s]*>)\s*Tj"
            rb"|\b(ET)\b"
        )
        for match in token_re.finditer(content):
            font, array, single, end = match.groups()
            if font is not None:
                cmap = self._cmap(fonts[font]) if font in fonts else {}
            elif end is not None:
                out.append("\n")
            else:
                for hexstr in _HEX_RE.findall(array or single):
                    out.append(_decode(bytes.fromhex(hexstr.decode()), cmap))
        return "".join(out)


def _utf16(hexstr: bytes) -> str:
    raw = bytes.fromhex(hexstr.decode())
    return raw.decode("utf-16-be", errors="replace") if raw else ""


def _decode(codes: bytes, cmap: dict[bytes, str]) -> str:
    width = len(next(iter(cmap))) if cmap else 2
    return "".join(cmap.get(codes[i : i + width], "") for i in range(0, len(codes), width))
