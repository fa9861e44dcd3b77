"""People: users, their passwords, sessions and API tokens (``auth``), the security log
(``security_log``), the register of civil servants (``register``: its fields, edits and
history), its CSV import (``register_import``), its export, search and reading
(``register_reads``), with ``csv_cells``, the record of penalties and the Negative
List (``record``) and separation from the service (``separation``). It may import
``cases.core`` and ``workflows``.
"""
