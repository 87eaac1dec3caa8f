import os

from django.core.wsgi import get_wsgi_application

from jixiao.common.private import use_private_umask

use_private_umask()  # whatever the WSGI server runs this under, files written in JIXIAO_HOME stay private
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
application = get_wsgi_application()
