from oslo_config import cfg
from oslo_db import options as db_options

# NOTE: a SQLite file in the working directory, so that a first run needs
# neither a server nor a configuration file.
DEFAULT_CONNECTION = 'sqlite:///ironic-inspector.sqlite'

# NOTE: every database call retries deadlocks and dropped connections
# (ironic_inspector.db.engine), waiting 0.1 s, then twice as long each time
# up to db_max_retry_interval: with these, some 13 s in all, more than
# HAProxy takes to find a dead Galera node (kolla-ansible's checks: every
# 2 s, down after 5 failures), and not oslo.db's two and a half minutes.
DEFAULT_MAX_RETRIES = 10
DEFAULT_MAX_RETRY_INTERVAL = 2

_DEFAULTS = {'connection': DEFAULT_CONNECTION,
             'db_max_retries': DEFAULT_MAX_RETRIES,
             'db_max_retry_interval': DEFAULT_MAX_RETRY_INTERVAL}


def register_opts(conf):
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)
    for name, value in _DEFAULTS.items():
        conf.set_default(name, value, group='database')


def list_opts():
    # oslo.db hands out copies of its options; give them our defaults so
    # that the sample configuration shows them.
    opts = db_options.list_opts()[0][1]
    cfg.set_defaults(opts, **_DEFAULTS)
    return opts
