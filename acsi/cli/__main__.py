"""``python -m acsi.cli``."""

import sys

from acsi.cli import main

sys.exit(main())
