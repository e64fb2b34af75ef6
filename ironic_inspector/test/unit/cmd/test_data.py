"""ironic-inspector-data, run as an operator runs it, on SQLite."""

import datetime
import json
import os
import subprocess
import sys

from oslo_utils import timeutils
import sqlalchemy as sa

from ironic_inspector.db import engine as db_engine
from ironic_inspector.db import models
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands

NODE = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'
OTHER = 'a3e4b8f0-1b2c-4d5e-8f90-0123456789ab'


class DataCommandTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())
        self.command.create_schema()
        db_nodes.create_node(NODE, 'finished')
        self.backend = storage.get_backend('database')

    def _data(self, *args, stdin=None):
        return self.command.run('data', *args, stdin=stdin)

    def _file(self, name, content):
        path = os.path.join(self.command.path, name)
        mode = 'wb' if isinstance(content, bytes) else 'w'
        with open(path, mode) as document:
            document.write(content)
        return path

    def _fails(self, *args, stdin=None):
        rc, out, err = self._data(*args, stdin=stdin)
        self.assertNotEqual(0, rc, out)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertNotIn('Traceback', err)
        return err

    def test_save_and_show(self):
        path = self._file('doc.json', json.dumps({'cpu': {'count': 8},
                                                  'logs': 'secret'}))
        rc, out, err = self._data('save', NODE, path, '--unprocessed')
        self.assertEqual(0, rc, err)
        rc, out, err = self._data('show', NODE, '--unprocessed')
        self.assertEqual(0, rc, err)
        self.assertEqual({'cpu': {'count': 8}}, json.loads(out))
        self.assertIn('No processed introspection data is stored',
                      self._fails('show', NODE))

    def test_save_from_standard_input(self):
        rc, out, err = self._data('save', NODE, '-', stdin='{"a": [1, 2]}')
        self.assertEqual(0, rc, err)
        self.assertEqual({'a': [1, 2]}, self.backend.get(NODE))

    def test_list_and_delete(self):
        self.backend.save(NODE, {'a': 1})
        self.backend.save(NODE, {'b': 1}, processed=False)
        rc, out, err = self._data('list')
        self.assertEqual(0, rc, err)
        self.assertEqual(2, out.count(NODE))
        self.assertIn('unprocessed', out)
        rc, out, err = self._data('delete', NODE)
        self.assertEqual(0, rc, err)
        self.assertEqual([], list(self.backend.list()))

    def test_purge(self):
        db_nodes.create_node(OTHER, 'finished')
        self.backend.save(NODE, {'old': True})
        self.backend.save(OTHER, {'new': True})
        table = models.IntrospectionData.__table__
        old = timeutils.utcnow() - datetime.timedelta(days=40)
        with db_engine.writer_connection() as conn:
            conn.execute(sa.update(table).where(table.c.uuid == NODE)
                         .values(updated_at=old))
        rc, out, err = self._data('purge', '--older-than', '30')
        self.assertEqual(0, rc, err)
        self.assertIn('Purged 1 documents', out)
        self.assertEqual([OTHER], [d.node_uuid for d in self.backend.list()])

    def test_bad_input(self):
        self.backend.save(NODE, {'previous': True})
        cases = [
            (('show', 'not-a-uuid'), 'Expected a node UUID'),
            (('show', OTHER), 'No processed introspection data'),
            (('save', OTHER, self._file('a.json', '{}')), 'not found'),
            (('save', NODE, '/nonexistent/file.json'), 'cannot read'),
            (('save', NODE, self._file('b.json', 'not json')), 'not JSON'),
            (('save', NODE, self._file('c.json', b'{"a": "\xff"}')),
             'not JSON'),
            (('save', NODE, self._file('d.json', '[1, 2]')),
             'must be a JSON object'),
            (('save', NODE, self._file('e.json', '{"a": NaN}')),
             'not JSON'),
            (('save', NODE, self._file('f.json', '[' * 5000 + ']' * 5000)),
             'not JSON'),
            (('delete', "1' OR '1'='1"), 'Expected a node UUID'),
        ]
        for args, message in cases:
            err = self._fails(*args)
            self.assertIn(message, err, args)
        self.assertEqual({'previous': True}, self.backend.get(NODE))

    def test_reader_going_away(self):
        # `ironic-inspector-data list | head -1`: the pipe is closed
        # before the command writes its table.
        self.backend.save(NODE, {'a': 1})
        process = subprocess.Popen(
            [sys.executable, '-m', 'ironic_inspector.cmd.data',
             '--config-file', self.command.config_file, 'list'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        process.stdout.close()
        err = process.stderr.read()
        self.assertEqual(1, process.wait(timeout=60))
        self.assertEqual('', err)

    def test_unknown_subcommand(self):
        rc, out, err = self._data('frobnicate')
        self.assertEqual(2, rc)
        self.assertEqual(["ironic-inspector-data: error: unknown command "
                          "'frobnicate'; expected one of: delete, list, "
                          "purge, save, show"], err.splitlines())

    def test_usage_errors_are_one_line(self):
        for args, message in (
                (('show',), 'the following arguments are required: node'),
                (('purge', '--older-than', '-1'),
                 "expected a whole number of days, 0 or more, got '-1'"),
                (('purge',), 'the following arguments are required: '
                             '--older-than'),
                (('list', '-f', 'xml'), "argument -f/--format: invalid "
                                        "choice: 'xml'")):
            rc, out, err = self._data(*args)
            self.assertEqual((2, ''), (rc, out), args)
            self.assertEqual(1, len(err.splitlines()), err)
            self.assertIn(message, err)

    def test_output_formats(self):
        self.backend.save(NODE, {'cpus': 8, 'inventory': {'a': [1]}})
        rc, out, err = self._data('show', NODE, '-f', 'value', '-c', 'cpus')
        self.assertEqual((0, '8\n'), (rc, out), err)
        rc, out, err = self._data('show', NODE, '-f', 'yaml')
        self.assertEqual((0, 'cpus: 8\ninventory:\n  a:\n  - 1\n'),
                         (rc, out), err)
        stored = self.backend.read(NODE).updated_at.isoformat(
            sep=' ', timespec='seconds')
        rc, out, err = self._data('list', '-f', 'json')
        self.assertEqual(0, rc, err)
        self.assertEqual([{'Node': NODE, 'Document': 'processed',
                           'Created at': stored, 'Updated at': stored}],
                         json.loads(out))
        rc, out, err = self._data('list', '-f', 'csv', '-c', 'Node',
                                  '-c', 'Document')
        self.assertEqual((0, '"Node","Document"\n"%s","processed"\n'
                          % NODE), (rc, out), err)
        rc, out, err = self._data('list', '-c', 'Document')
        self.assertEqual((0, '+-------------+\n| Document    |\n'
                             '+-------------+\n| processed   |\n'
                             '+-------------+\n'), (rc, out), err)

    def test_delete_without_data(self):
        self.assertIn('node %s has no introspection data to delete' % NODE,
                      self._fails('delete', NODE))


class NoStoreDataCommandTestCase(base.TestCase):
    """With storage_backend = none, nothing claims to be kept."""

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture(
            {'processing': {'storage_backend': 'none'}}))
        self.command.create_schema()
        db_nodes.create_node(NODE, 'finished')

    def test_nothing_is_saved_or_deleted(self):
        for args in (('save', NODE, '-'), ('delete', NODE),
                     ('show', NODE)):
            rc, out, err = self.command.run('data', *args, stdin='{}')
            self.assertEqual((1, ''), (rc, out), args)
            self.assertEqual(['ironic-inspector-data: error: Introspection '
                              'data is not stored: the storage backend is '
                              '"none" ([processing]storage_backend).'],
                             err.splitlines(), args)
        rc, out, err = self.command.run('data', 'list')
        self.assertEqual((0, '', ''), (rc, out, err))


class DataCommandImportsTestCase(base.TestCase):

    def test_list_and_purge_leave_rpc_alone(self):
        # Only the commands that use the versioned objects import them,
        # and oslo.messaging with them.
        command = self.useFixture(commands.CommandFixture())
        command.create_schema()
        for args, imported in ((['list'], False),
                               (['purge', '--older-than', '1'], False),
                               (['show', NODE], True)):
            code = ('import sys\n'
                    'from ironic_inspector.cmd import data\n'
                    'rc = data.main(%r)\n'
                    'print(rc, "oslo_messaging" in sys.modules)\n'
                    % (['--config-file', command.config_file] + args))
            result = subprocess.run([sys.executable, '-c', code],
                                    capture_output=True, text=True,
                                    timeout=120)
            self.assertEqual('%d %s' % (1 if imported else 0, imported),
                             result.stdout.splitlines()[-1], result.stderr)
