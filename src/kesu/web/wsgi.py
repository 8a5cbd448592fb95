import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
application = get_wsgi_application()

# Django imports the URLconf, and with it every view and the API's schemas (about 2 s), on the first
# request of each process. Importing it here lets gunicorn's preload_app do it once in the master,
# before the workers fork, so that no worker's first visitors wait for it.
import kesu.web.urls  # noqa: E402, F401
