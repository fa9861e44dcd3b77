"""People: users, their passwords, sessions and API tokens (``auth``), the security log
(``security_log``), the register of civil servants and its CSV import and export
(``register``, ``register_import``, ``csv_cells``), the record of penalties and the Negative
List (``record``) and separation from the service (``separation``). It may import
``cases.core`` and ``workflows``.
"""
