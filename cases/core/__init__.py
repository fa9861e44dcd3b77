"""The core every process shares: the database and its sessions (``db``), the tables and
their Alembic migrations (``models``, ``migrations/``), the one way a case changes
(``service.fire``), deadlines and the sweep (``deadlines``, ``timers``), the audit chain
(``audit``), the administrator's calendar corrections (``calendar_store``), the read-side
queries (``queries``), the service record every process reads (``profiles``), and the two
seams through which the rest plugs in: the effect registry (``effects``) and the after-step
and sweep hooks (``hooks``). It imports ``workflows`` and no other room of ``cases``.
"""
