from oslo_config import cfg
from oslo_db import options as db_options

# NOTE: a SQLite file in the working directory, so that a first run needs
# neither a server nor a configuration file.
DEFAULT_CONNECTION = 'sqlite:///ironic-inspector.sqlite'


def register_opts(conf):
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def list_opts():
    # oslo.db hands out copies of its options; give them our default so
    # that the sample configuration shows it.
    opts = db_options.list_opts()[0][1]
    cfg.set_defaults(opts, connection=DEFAULT_CONNECTION)
    return opts
