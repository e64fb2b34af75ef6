"""ironic-inspector-data, run as an operator runs it, on SQLite."""

import datetime
import json
import os
import subprocess
import sys

from oslo_utils import timeutils
import sqlalchemy as sa

from ironic_inspector.db import api as db_api
from ironic_inspector.db import models
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
        db_api.create_node(NODE, 'finished')
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
        db_api.create_node(OTHER, 'finished')
        self.backend.save(NODE, {'old': True})
        self.backend.save(OTHER, {'new': True})
        table = models.IntrospectionData.__table__
        old = timeutils.utcnow() - datetime.timedelta(days=40)
        with db_api.writer_connection() as conn:
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
            (('purge', '--older-than', '-1'), 'must not be negative'),
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
        self.assertIn('show', err)
