"""Settings, URLs and the Celery application (``celery -A kaifaqu.config``)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
