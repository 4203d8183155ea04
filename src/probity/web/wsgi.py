import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probity.web.settings")
application = get_wsgi_application()

if os.environ.get("PROBITY_WARM_SEARCH", "1") == "1":
    from probity.server import warm_search

    # Each worker loads the index in the background as it starts, so the first search a
    # person makes does not wait for it.
    threading.Thread(target=warm_search, name="warm-search", daemon=True).start()
