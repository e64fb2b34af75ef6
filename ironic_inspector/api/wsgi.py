"""The API for WSGI servers: ``ironic_inspector.api.wsgi:application``.

For uwsgi, gunicorn, mod_wsgi and the like. The configuration is read
from the files named, comma-separated, in the environment variable
``IRONIC_INSPECTOR_CONFIG_FILES``, or else from the usual places
(``/etc/ironic-inspector/ironic-inspector.conf`` and so on).
"""

import os

from oslo_log import log

from ironic_inspector.api import app
from ironic_inspector import conf

CONFIG_FILES_VARIABLE = 'IRONIC_INSPECTOR_CONFIG_FILES'


def init_application():
    """Load the configuration and build the application."""
    log.register_options(conf.CONF)
    files = [name for name in
             os.environ.get(CONFIG_FILES_VARIABLE, '').split(',') if name]
    conf.parse_args([], default_config_files=files or None)
    log.setup(conf.CONF, 'ironic-inspector')
    return app.create_app(conf.CONF)


application = init_application()
