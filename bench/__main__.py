"""``python -m bench [--tiny] [--cases-large N] [--deadlines-large N] [--texts-large N]
[--reps N] [--keep] [--search-only]``"""

import sys

from bench.run import main

sys.exit(main())
