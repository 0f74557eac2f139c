"""Roer: the tenant portal flies on autopilot, and a human can always take the helm."""

from roer.conf.celery import app as celery_app

__all__ = ["celery_app"]
