"""``python -m commlib.cli``."""

import sys

from . import main

sys.exit(main())
