from oslo_db import options as db_options

# NOTE: a SQLite file in the working directory, so that a first run needs
# neither a server nor a configuration file.
DEFAULT_CONNECTION = 'sqlite:///ironic-inspector.sqlite'


def register_opts(conf):
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def list_opts():
    return db_options.list_opts()[0][1]
