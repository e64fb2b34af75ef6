"""ironic-inspector-dbsync online_data_migrations, run as an operator
runs it, on SQLite."""

from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.test import base
from ironic_inspector.test import commands

TABLE = '''\
+-----------------------------+--------------+-----------+
|          Migration          | Total Needed | Completed |
+-----------------------------+--------------+-----------+
| introspection_data_versions |      %d       |     %d     |
|        node_versions        |      %d       |     %d     |
+-----------------------------+--------------+-----------+
'''


class OnlineDataMigrationsCommandTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())
        self.command.create_schema()
        # Rows without a version, as ironic-inspector 12.x wrote them.
        for i in range(3):
            uuid = '00000000-0000-4000-8000-%012d' % i
            db_nodes.create_node(uuid, 'finished')
            db_documents.store_introspection_data(uuid, '{}', processed=True)

    def test_totals_and_exit_codes(self):
        # The budget goes to the migrations in turn; ironic's table.
        rc, out, err = self.command.run('dbsync', 'online_data_migrations',
                                        '--max-count', '4')
        self.assertEqual((1, ''), (rc, err))
        self.assertEqual(TABLE % (3, 1, 3, 3)
                         + '2 rows still need migrating; run the command '
                           'again.\n', out)

        rc, out, err = self.command.run('dbsync', 'online_data_migrations')
        self.assertEqual((0, ''), (rc, err))
        self.assertEqual('Running batches (1000 rows first, then sized to '
                         'take about 0.1 s each) until migrations have '
                         'been completed.\n' + TABLE % (2, 2, 0, 0)
                         + 'All online data migrations are complete.\n', out)

    def test_max_count_must_be_positive(self):
        rc, out, err = self.command.run('dbsync', 'online_data_migrations',
                                        '--max-count', '0')
        self.assertEqual((2, ''), (rc, out))
        self.assertEqual(['ironic-inspector-dbsync: error: --max-count must '
                          'be a positive number'], err.splitlines())
