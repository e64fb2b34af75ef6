"""What importing the project costs a caller: no RPC library where no RPC
is used, and no warning a caller cannot act on."""

import subprocess
import sys

import testtools

# Console scripts that never make an RPC call.
_COMMANDS_WITHOUT_RPC = ('data', 'dbsync', 'migrate_data', 'node',
                         'quickstart', 'status')


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

    def test_commands_without_rpc_do_not_import_it(self):
        code, out, err = _python(
            'import sys\n'
            'for name in %r:\n'
            '    __import__("ironic_inspector.cmd." + name)\n'
            'print(sorted(m for m in ("oslo_messaging", "eventlet", '
            '"oslo_versionedobjects") if m in sys.modules))\n'
            % (_COMMANDS_WITHOUT_RPC,))
        self.assertEqual((0, '', '[]\n'), (code, err, out))
