"""WSGI entry point for gunicorn or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetpoint.settings")
application = get_wsgi_application()
# Import every view now, as each worker starts, not on its first request: the URLconf pulls in scipy and
# matplotlib, seconds of CPU that the first visitor of every new worker would otherwise wait for.
get_resolver().url_patterns  # noqa: B018
