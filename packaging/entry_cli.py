"""Entry point of the console executable (ecodesk-cli.exe) for scripts: same commands, output on the console."""

import sys

from ecodesk.cli import main

sys.exit(main())
