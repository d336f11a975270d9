"""The Celery application: ``celery -A kaifaqu.config worker|beat`` (deploy/systemd).

Settings come from Django's settings (``CELERY_*``, read from the environment in
settings.py); each package's ``tasks.py`` is found by autodiscovery; the beat schedule is
``CELERY_BEAT_SCHEDULE`` plus what the packages register with ``core.jobs.schedule``.
Without ``CELERY_BROKER_URL`` every task runs in the caller's process (eager).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import import_modules

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings")

app = Celery("kaifaqu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# After the autodiscovery (connected to the same signal, before this): the tasks' modules have
# registered their schedules when beat (or the worker) reads the configuration.
@import_modules.connect
def _registered_schedules(sender: Any = None, **kwargs: Any) -> None:
    from kaifaqu.core.jobs import beat_schedule

    app.conf.beat_schedule = {**beat_schedule(), **(app.conf.beat_schedule or {})}
