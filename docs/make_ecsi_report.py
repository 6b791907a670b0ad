"""Make the example report: the ECSI model on the mobi data (``docs/ecsi_report.html``), its path diagram
(``docs/ecsi_diagram.svg``) and a screenshot of the page (``docs/ecsi_report.png``, headless Chromium).

Run from the checkout, with ../shared/reference beside it (or give the mobi CSV as the argument)::

    .venv/bin/python docs/make_ecsi_report.py [path/to/mobi.csv]

The same as ``acsi report docs/ecsi_mobi.lav mobi.csv --scale 1,10 --bootstrap 1000 --seed 1 --out
docs/ecsi_report.html``; the script shows the library calls behind it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from acsi.diagram import path_diagram, save_diagram
from acsi.report.html_report import build_report, find_chromium

HERE = Path(__file__).resolve().parent
MOBI = HERE.parent.parent / "shared" / "reference" / "data" / "mobi.csv"


def main(mobi: Path = MOBI) -> None:
    os.chdir(HERE.parent)  # the page records the paths as given: relative to the checkout, as a reader has them
    spec = Path("docs") / "ecsi_mobi.lav"
    report = build_report(spec, Path(os.path.relpath(mobi)), scale=(1, 10), n_boot=1000, seed=1)
    page = report.write(HERE / "ecsi_report.html")
    save_diagram(path_diagram(report.result, report.bootstrap, title="ECSI on mobi: PLS-PM, n = 250"), HERE / "ecsi_diagram.svg")
    browser = find_chromium()
    if browser is None:
        print("no Chromium: the screenshot is not made", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--disable-gpu", "--no-sandbox", f"--user-data-dir={profile}", "--hide-scrollbars",
             "--window-size=1250,2300", f"--screenshot={HERE / 'ecsi_report.png'}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {page}, {HERE / 'ecsi_diagram.svg'} and {HERE / 'ecsi_report.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else MOBI)
