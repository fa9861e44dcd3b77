"""Services and persistence: everything between the pages (``web``) and the rules
(``workflows``), in rooms that import downwards only (README, Layout; the contract is
``[tool.importlinter]`` in pyproject.toml). Importing ``cases`` wires the rooms together
once: each process's effects register with the core's registry (``cases.core.effects``)
and the inbox subscribes to the core's hooks (``cases.core.hooks``), so a step fired from
the web, the API, the CLI, the sweep or a test has the same effects and the same notices.
"""

from cases import inbox, processes  # noqa: F401  (registration on import)
from cases.core import search_index  # noqa: F401  (the search index follows each step)
