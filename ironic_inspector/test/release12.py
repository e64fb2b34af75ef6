"""ironic-inspector 12.5.0, installed from PyPI, run beside this project.

``tools/install-release12.sh`` makes its virtualenv; the upgrade tests and
the benchmarks run its commands and :mod:`release12_worker` with its
interpreter, never importing its code into this process.
"""

import json
import os
import subprocess

RELEASE = '12.5.0'
VENV = os.environ.get('IRONIC_INSPECTOR_RELEASE12_VENV') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
    'ironic-inspector', 'venv-%s' % RELEASE)
INSTALL_SCRIPT = os.path.join(os.path.dirname(__file__), os.pardir,
                              os.pardir, 'tools', 'install-release12.sh')
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'release12_worker.py')


def command(name):
    """The path of one of 12.5.0's console scripts (or its python)."""
    return os.path.join(VENV, 'bin', name)


def missing():
    """Why 12.5.0 cannot be run here, or None when it can."""
    if not os.path.exists(command('ironic-inspector-dbsync')):
        return ('ironic-inspector %s is not installed in %s; run '
                'tools/install-release12.sh' % (RELEASE, VENV))
    return None


def install():
    """Install 12.5.0 unless it is there already (a benchmark's first run).
    """
    if missing():
        subprocess.run(['bash', INSTALL_SCRIPT], check=True,
                       stdout=subprocess.DEVNULL,
                       env=dict(os.environ,
                                IRONIC_INSPECTOR_RELEASE12_VENV=VENV))


def write_config(path, database_url, store='database', swift=None):
    """A configuration file for 12.5.0's commands and worker.

    :param swift: ``(storage_url, token, container)`` for 12.5.0's Swift
        store, which reaches Swift through a keystoneauth session only:
        the admin_token plugin with a token the proxy issued.
    """
    lines = ['[database]', 'connection = %s' % database_url,
             '[processing]', 'store_data = %s' % store]
    if swift:
        lines += ['[swift]', 'auth_type = admin_token',
                  'endpoint = %s' % swift[0], 'token = %s' % swift[1],
                  'container = %s' % swift[2]]
    with open(path, 'w') as config:
        config.write('\n'.join(lines) + '\n')
    return path


def run_all(config_file, *commands):
    """Run commands of the 12.5.0 worker in one process, in order.

    :param commands: each a list of the command's words.
    :returns: their results, decoded.
    :raises: subprocess.CalledProcessError when one fails.
    """
    result = subprocess.run(
        [command('python'), WORKER, config_file],
        input=json.dumps([list(words) for words in commands]),
        capture_output=True, text=True, timeout=600, check=True)
    return json.loads(result.stdout)


def dbsync(config_file, *args):
    """Run 12.5.0's ironic-inspector-dbsync; returns (rc, stdout, stderr).
    """
    result = subprocess.run(
        [command('ironic-inspector-dbsync'), '--config-file', config_file]
        + list(args), capture_output=True, text=True, timeout=600)
    return result.returncode, result.stdout, result.stderr
