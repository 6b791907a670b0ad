"""Printing a report page to PDF through headless Chromium (``acsi report --format pdf``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from acsi.errors import ParameterError


def find_chromium() -> str | None:
    """The headless browser that prints the PDF: ``chromium`` (Debian), ``chromium-browser`` or Chrome."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def print_pdf(page: str, target: Path, *, timeout: float = 120.0) -> None:
    """Print an HTML page to ``target`` (PDF) with headless Chromium; :class:`ParameterError` without Chromium."""
    browser = find_chromium()
    if browser is None:
        raise ParameterError(
            "--format pdf prints the page with headless Chromium, which was not found (looked for chromium, "
            "chromium-browser, google-chrome); install it (Debian: apt-get install chromium) or use --format html "
            "and print the page from any browser."
        )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.html"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            f"--user-data-dir={folder}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target.resolve()}",
            source.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0 or not target.exists():
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise ParameterError(f"--format pdf: Chromium could not print the page (exit {done.returncode}): {tail[0]}")
