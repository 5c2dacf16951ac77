"""Entry point of the windowed executable (EcoDesk.exe): the window, or sub-commands if given."""

import sys

from ecodesk.cli import main

sys.exit(main())
