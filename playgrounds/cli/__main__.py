"""``python -m playgrounds.cli``: the same as the ``playgrounds`` command."""

import sys

from playgrounds.cli.main import main

sys.exit(main())
