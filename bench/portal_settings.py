"""Settings for the portal load benchmark: Roer's own, plus one bare view to measure the stack's floor."""

from roer.conf.settings import *  # noqa: F403

ROOT_URLCONF = "bench.portal_urls"
