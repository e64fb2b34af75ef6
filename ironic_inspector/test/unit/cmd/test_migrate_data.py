"""ironic-inspector-migrate-data's command line, on SQLite."""

from ironic_inspector.common import exception
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector import storage
from ironic_inspector.test import base
from ironic_inspector.test import commands

NODE = '0d6cc5c5-1b1f-4b67-8a15-a0c0b42f2f4a'


class MigrateDataCommandTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())
        self.command.create_schema()
        db_nodes.create_node(NODE, 'finished')

    def _usage_error(self, *args):
        rc, out, err = self.command.run('migrate_data', *args)
        self.assertEqual(2, rc, out + err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertNotIn('Traceback', err)
        return err

    def test_same_from_and_to(self):
        err = self._usage_error('--from', 'swift', '--to', 'swift')
        self.assertIn('--from and --to are both "swift"', err)

    def test_unknown_backend(self):
        err = self._usage_error('--from', 'tape', '--to', 'database')
        self.assertIn('unknown backend "tape"', err)
        self.assertIn('installed: database, none, swift', err)

    def test_none_backend(self):
        err = self._usage_error('--from', 'none', '--to', 'database')
        self.assertIn('keeps no data', err)

    def test_bad_and_unknown_nodes(self):
        err = self._usage_error('--from', 'swift', '--to', 'database',
                                '--node', "x' OR 1=1")
        self.assertIn('Expected a node UUID', err)
        err = self._usage_error('--from', 'swift', '--to', 'database',
                                '--node', NODE.replace('0d', 'ff'))
        self.assertIn('not found in the node cache', err)

    def test_missing_option(self):
        rc, out, err = self.command.run('migrate_data', '--to', 'database')
        self.assertNotEqual(0, rc)
        self.assertIn('from', err)

    def test_unreachable_target_is_one_error(self):
        self._unreachable_swift()
        storage.get_backend('database').save(NODE, {'a': 1})
        rc, out, err = self.command.run('migrate_data', '--from', 'database',
                                        '--to', 'swift')
        self.assertEqual((1, ''), (rc, out), err)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertIn('ironic-inspector-migrate-data: error: Storage backend '
                      'swift failed', err)
        self.assertNotIn('Secret-Key-123', err)

    def _unreachable_swift(self):
        self.command.options['swift'] = {
            'auth_version': '1', 'v1_auth_url': 'http://127.0.0.1:1/auth',
            'v1_user': 'test:tester', 'v1_key': 'Secret-Key-123',
            'max_retries': '0'}
        self.command.write_config()

    def test_unreachable_source(self):
        self._unreachable_swift()
        rc, out, err = self.command.run('migrate_data', '--from', 'swift',
                                        '--to', 'database')
        self.assertEqual(1, rc, out + err)
        self.assertIn('failed 2', out)
        self.assertIn('failed: %s' % NODE, out)
        self.assertNotIn('Secret-Key-123', out + err)
        self.assertRaises(exception.IntrospectionDataNotFound,
                          storage.get_backend('database').get, NODE)

    def _move_error(self, **inventory):
        self.command.options['ironic_inventory'] = inventory
        self.command.write_config()
        rc, out, err = self.command.run('migrate_data', '--from', 'database',
                                        '--to', 'ironic')
        self.assertEqual((1, ''), (rc, out), err)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertNotIn('Traceback', err)
        return err

    def test_to_ironic_needs_its_database(self):
        err = self._move_error()
        self.assertIn("[ironic_inventory]connection is not set: give it "
                      "ironic's [database]connection", err)

    def test_to_ironic_bad_url_keeps_its_password(self):
        err = self._move_error(connection='mysql+pymysql//ironic:S3cret@db')
        self.assertIn('[ironic_inventory]connection is not a database URL',
                      err)
        self.assertNotIn('S3cret', err)

    def test_to_ironic_unreachable_database(self):
        err = self._move_error(
            connection='mysql+pymysql://ironic:S3cret@127.0.0.1:1/ironic')
        self.assertIn("ironic's inventory storage (database) failed to read "
                      "its schema revision: (2003, \"Can't connect", err)
        self.assertNotIn('S3cret', err)

    def test_to_ironic_in_swift_needs_ironic(self):
        err = self._move_error(data_backend='swift')
        self.assertIn('[ironic_inventory]data_backend = swift needs [ironic]',
                      err)

    def test_to_ironic_not_a_schema_of_ironic(self):
        err = self._move_error(connection=self.command.database_url)
        self.assertIn('the database is at revision', err)
        self.assertIn('nothing was written', err)
