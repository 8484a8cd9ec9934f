"""`python -m pelican.plugins.email_edition send ...` (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
