"""``python -m tools.generate_data``: see cli.py."""

from tools.generate_data.cli import main

raise SystemExit(main())
