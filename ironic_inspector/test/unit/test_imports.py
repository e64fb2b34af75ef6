"""What importing and running the project costs a caller: no RPC library
where no RPC is used, no eventlet anywhere, and no warning a caller cannot
act on."""

import os
import subprocess
import sys

import testtools

from ironic_inspector.test import base
from ironic_inspector.test import commands

# Console scripts that never make an RPC call.
_COMMANDS_WITHOUT_RPC = ('data', 'dbsync', 'migrate_data', 'node',
                         'quickstart', 'status')

# What oslo.service's default backend would load into every process.
_EVENTLET_MODULES = ('eventlet', 'greenlet', 'dns')

# Python statements that record, at exit, which of _EVENTLET_MODULES the
# process loaded (a None in sys.modules only marks a module as absent).
_RECORD_LOADED = (
    'import atexit, sys\n'
    'atexit.register(lambda: open(%%r, "w").write(" ".join(\n'
    '    m for m in %r if sys.modules.get(m) is not None)))\n'
    % (_EVENTLET_MODULES,))

# Every console script, with arguments that make it do its work: the
# services are stopped by SIGTERM once they serve.
_COMMAND_RUNS = {
    'dbsync': ('upgrade',),
    'api': ('--config-file', '{services}'),
    'conductor': ('--config-file', '{services}'),
    'data': ('list',),
    'migrate_data': ('--from', 'database', '--to', 'swift', '--dry-run'),
    'node': ('list',),
    'quickstart': (),
    'status': ('upgrade', 'check'),
}
# A SIGTERM once the service has set its handler, a second after.
_STOP_SERVICE = (
    'import os, signal, threading, time\n'
    'def _stop():\n'
    '    while signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:\n'
    '        time.sleep(0.1)\n'
    '    time.sleep(1)\n'
    '    os.kill(os.getpid(), signal.SIGTERM)\n'
    'threading.Thread(target=_stop, daemon=True).start()\n')


def _warn_on_import(*names):
    """Python statements that make a dependency's deprecation warning be
    raised, on purpose, as each of the modules ``names`` is first
    imported, the way cryptography's warned through dnspython; always
    from the same place and with the same text."""
    return ('import sys, warnings\n'
            'class DependencyDeprecationWarning(UserWarning): pass\n'
            'class Warner:\n'
            '    def find_spec(self, name, path=None, target=None):\n'
            '        if name in %r:\n'
            '            warnings.warn("DSA is deprecated",\n'
            '                          DependencyDeprecationWarning)\n'
            'sys.meta_path.insert(0, Warner())\n' % (names,))


def _python(code):
    """Run ``code`` in a fresh interpreter; (exit code, stdout, stderr)."""
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


class TestImports(testtools.TestCase):

    def test_objects_import_quietly(self):
        code, out, err = _python(
            'from ironic_inspector import objects\n'
            'objects.register_all()\n'
            'print(objects.IntrospectionData.VERSION)\n')
        self.assertEqual((0, ''), (code, err))
        self.assertEqual('1.1\n', out)

    def test_objects_and_rpc_client_load_no_eventlet(self):
        code, out, err = _python(
            'import sys\n'
            'from ironic_inspector import objects\n'
            'objects.register_all()\n'
            'from ironic_inspector.conductor import rpc\n'
            'from ironic_inspector.conductor import rpcapi\n'
            'rpc.get_transport()\n'
            'rpcapi.ConductorAPI()\n'
            'from oslo_service import backend\n'
            'print(backend.get_backend_type().value, sorted(\n'
            '    m for m in %r if sys.modules.get(m) is not None))\n'
            % (_EVENTLET_MODULES,))
        self.assertEqual((0, '', 'threading []\n'), (code, err, out))

    def test_an_application_keeps_its_own_backend(self):
        code, out, err = _python(
            'from oslo_service import backend\n'
            'backend.init_backend(backend.BackendType.EVENTLET)\n'
            'import ironic_inspector\n'
            'print(backend.get_backend_type().value)\n')
        self.assertEqual((0, 'eventlet\n'), (code, out), err)

    def test_commands_without_rpc_do_not_import_it(self):
        code, out, err = _python(
            'import sys\n'
            'for name in %r:\n'
            '    __import__("ironic_inspector.cmd." + name)\n'
            'print(sorted(m for m in ("oslo_messaging", "eventlet", '
            '"oslo_versionedobjects") if sys.modules.get(m) is not None))\n'
            % (_COMMANDS_WITHOUT_RPC,))
        self.assertEqual((0, '', '[]\n'), (code, err, out))


class TestCommandsRun(base.TestCase):

    def setUp(self):
        super().setUp()
        # migrate-data checks the Swift options before a dry run, which
        # sends nothing to Swift.
        self.command = self.useFixture(commands.CommandFixture({'swift': {
            'auth_version': '1', 'v1_auth_url': 'http://127.0.0.1:9/auth',
            'v1_user': 'test:tester', 'v1_key': 'testing'}}))
        # The services listen on a free port, with the in-process RPC
        # transport, and stop on their own.
        self.services = os.path.join(self.command.path, 'services.conf')
        with open(self.command.config_file) as config, \
                open(self.services, 'w') as services:
            services.write(config.read())
            services.write('[DEFAULT]\nlisten_address = 127.0.0.1\n'
                           'listen_port = 0\n')

    def _run(self, module, prelude=''):
        args = [arg.format(services=self.services)
                for arg in _COMMAND_RUNS[module]]
        if module in ('api', 'conductor'):
            prelude += _STOP_SERVICE
        return self.command.run(module, *args, prelude=prelude)

    def test_no_console_script_loads_eventlet(self):
        loaded = os.path.join(self.command.path, 'loaded')
        for module in _COMMAND_RUNS:
            rc, out, err = self._run(module, _RECORD_LOADED % loaded)
            self.assertEqual(0, rc, (module, out, err))
            with open(loaded) as record:
                self.assertEqual('', record.read(), module)

    def test_warnings_of_dependencies_stay_off_standard_error(self):
        # Warnings while the command's modules are imported, and while it
        # runs; then its one-line error, alone.
        prelude = _warn_on_import('sqlalchemy', 'cliff',
                                  'oslo_versionedobjects')
        self.command.options['database']['connection'] = 'nodb://'
        self.command.write_config()
        for module in ('data', 'dbsync', 'migrate_data', 'node',
                       'quickstart'):
            rc, out, err = self._run(module, prelude)
            self.assertEqual(1, rc, (module, out, err))
            self.assertEqual(1, len(err.splitlines()), (module, err))
            self.assertIn('nodb', err, module)
            self.assertNotIn('DSA', out + err, module)

    def test_warnings_go_to_the_debug_log_once_each(self):
        # Both modules are imported as the command runs, after its
        # logging is set up.
        prelude = _warn_on_import('oslo_versionedobjects',
                                  'oslo_versionedobjects.base')
        self.command.create_schema()
        rc, out, err = self.command.run('node', '-v', '-v', 'list',
                                        prelude=prelude)
        self.assertEqual(0, rc, err)
        logged = [line for line in err.splitlines()
                  if 'DependencyDeprecationWarning: DSA' in line]
        self.assertEqual(1, len(logged), err)
        self.assertTrue(logged[0].startswith('ironic-inspector-node: debug: '),
                        logged)
        rc, out, err = self.command.run('node', 'list', prelude=prelude)
        self.assertEqual((0, ''), (rc, err))
