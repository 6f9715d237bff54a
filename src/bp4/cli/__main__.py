"""``python -m bp4.cli``: the same command line as ``python -m bp4``."""

import sys

from . import main

sys.exit(main())
