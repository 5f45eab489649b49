"""`python -m dupfinder`: the same entry point as the `dupfinder` command."""

from dupfinder.cli import main

raise SystemExit(main())
