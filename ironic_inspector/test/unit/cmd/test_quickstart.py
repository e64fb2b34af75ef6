"""ironic-inspector-quickstart on a fresh SQLite database."""

from ironic_inspector.db import documents as db_documents
from ironic_inspector.db import nodes as db_nodes
from ironic_inspector.test import base
from ironic_inspector.test import commands
from ironic_inspector.test import samples


class QuickstartTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.command = self.useFixture(commands.CommandFixture())

    def _quickstart(self, *args):
        rc, out, err = self.command.run('quickstart', *args)
        self.assertEqual(0, rc, err)
        return out

    def test_built_in_document(self):
        out = self._quickstart()
        self.assertIn('hostname quickstart-node', out)
        self.assertIn(', 1 top-level key, ', out)
        self.assertIn('"logs" key was dropped', out)
        # It ran for real: the schema and both documents are there.
        self.command.create_schema()
        rows = db_documents.list_introspection_data()
        self.assertEqual([False, True], sorted(r['processed'] for r in rows))
        self.assertEqual(1, len(db_nodes.list_nodes()))

    def test_sample_document_and_second_run(self):
        if not samples.available('60k'):
            self.skipTest('sample %s is missing' % samples.path('60k'))
        self._quickstart(samples.path('60k'))
        out = self._quickstart(samples.path('60k'))
        self.assertIn('17 top-level keys', out)
        self.command.create_schema()
        self.assertEqual(2, len(db_nodes.list_nodes()))

    def test_unreadable_file(self):
        rc, out, err = self.command.run('quickstart', '/nonexistent.json')
        self.assertEqual(1, rc)
        self.assertIn('cannot read /nonexistent.json', err)
