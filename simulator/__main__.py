"""`python -m simulator`."""

import sys

from simulator.faces.cli import main

sys.exit(main())
