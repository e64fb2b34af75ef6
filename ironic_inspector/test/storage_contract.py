"""The behaviour every storage backend owes its callers.

Mix :class:`StorageContractTests` into a TestCase that implements
``make_backend()`` (builds the backend from the current configuration)
and ``make_node(uuid)`` (adds the node wherever the backend needs it).
Every backend, on every server, runs these same tests.
"""

import datetime

import fixtures
from oslo_utils import timeutils
from oslo_utils import uuidutils

from ironic_inspector.common import exception
from ironic_inspector.test import samples

MIB = 1024 * 1024


class StorageContractTests:

    def setUp(self):
        super().setUp()
        self.uuid = uuidutils.generate_uuid()
        self.make_node(self.uuid)
        self.backend = self.make_backend()

    def _sample(self, size):
        if not samples.available(size):
            self.skipTest('sample %s is missing' % samples.path(size))
        return samples.load(size, hostname='node-%s' % self.uuid)

    def _round_trip(self, document, processed=True):
        self.backend.save(self.uuid, document, processed=processed)
        self.assertEqual(document, self.backend.get(self.uuid,
                                                    processed=processed))

    def test_round_trip_60k(self):
        self._round_trip(self._sample('60k'))

    def test_round_trip_1m(self):
        self._round_trip(self._sample('1m'), processed=False)

    def test_round_trip_8m(self):
        self._round_trip(self._sample('8m'))

    def test_round_trip_16mib(self):
        if not samples.available('8m'):
            self.skipTest('sample %s is missing' % samples.path('8m'))
        self._round_trip(samples.padded(16 * MIB))

    def test_round_trip_unicode_and_numbers(self):
        self._round_trip({'name': 'n\u00f8de \u2603 \U0001f600',
                          'big': 2 ** 63 - 1, 'neg': -2 ** 63,
                          'float': 0.1, 'nested': {'list': [None, True, []]},
                          'empty': {}})

    def test_replace(self):
        self.backend.save(self.uuid, {'generation': 1})
        self.backend.save(self.uuid, {'generation': 2})
        self.assertEqual({'generation': 2}, self.backend.get(self.uuid))

    def test_processed_and_unprocessed_are_separate(self):
        self.backend.save(self.uuid, {'kind': 'processed'}, processed=True)
        self.backend.save(self.uuid, {'kind': 'raw'}, processed=False)
        self.assertEqual({'kind': 'processed'},
                         self.backend.get(self.uuid, processed=True))
        self.assertEqual({'kind': 'raw'},
                         self.backend.get(self.uuid, processed=False))

    def test_read_has_timestamps_or_none(self):
        self.backend.save(self.uuid, {'a': 1})
        stored = self.backend.read(self.uuid)
        self.assertEqual({'a': 1}, stored.data)
        if stored.updated_at is not None:
            self.assertIsNone(stored.updated_at.tzinfo)

    def test_delete_one(self):
        self.backend.save(self.uuid, {'p': 1}, processed=True)
        self.backend.save(self.uuid, {'u': 1}, processed=False)
        self.backend.delete(self.uuid, processed=False)
        self.assertRaises(exception.IntrospectionDataNotFound,
                          self.backend.get, self.uuid, processed=False)
        self.assertEqual({'p': 1}, self.backend.get(self.uuid))

    def test_delete_both(self):
        self.backend.save(self.uuid, {'p': 1}, processed=True)
        self.backend.save(self.uuid, {'u': 1}, processed=False)
        self.backend.delete(self.uuid)
        for processed in (True, False):
            self.assertRaises(exception.IntrospectionDataNotFound,
                              self.backend.get, self.uuid,
                              processed=processed)

    def test_delete_missing_is_not_an_error(self):
        self.backend.delete(self.uuid)
        self.backend.delete(self.uuid, processed=True)

    def test_read_that_may_be_stale(self):
        # Without a replica, a read that may be stale is an ordinary one.
        self.backend.save(self.uuid, {'a': 1})
        self.assertEqual({'a': 1},
                         self.backend.get(self.uuid, may_be_stale=True))

    def test_read_many_reads_as_read_does(self):
        other = uuidutils.generate_uuid()
        self.make_node(other)
        self.backend.save(self.uuid, {'a': 1})
        self.backend.save(other, {'b': 2}, processed=False)
        found = self.backend.read_many([self.uuid, other])
        if found is None:
            return   # the backend reads each on its own
        self.assertEqual([self.uuid], list(found))
        self.assertEqual(self.backend.read(self.uuid), found[self.uuid])
        self.assertEqual({other: {'b': 2}}, {
            uuid: stored.data for uuid, stored in self.backend.read_many(
                [self.uuid, other], processed=False).items()})

    def test_not_found(self):
        exc = self.assertRaises(exception.IntrospectionDataNotFound,
                                self.backend.get, self.uuid, processed=False)
        self.assertIn(self.uuid, str(exc))
        self.assertIn('unprocessed', str(exc))

    def test_logs_are_never_stored(self):
        self.backend.save(self.uuid, {'logs': 'c2VjcmV0', 'a': 1})
        self.assertEqual({'a': 1}, self.backend.get(self.uuid))

    def test_uuid_spellings_are_the_same_node(self):
        self.backend.save(self.uuid.upper(), {'a': 1})
        self.assertEqual({'a': 1}, self.backend.get(self.uuid))
        self.backend.save('{%s}' % self.uuid.replace('-', ''), {'a': 2})
        self.assertEqual({'a': 2}, self.backend.get(self.uuid))

    def _assert_rejected(self, exc_class, data, uuid=None):
        uuid = self.uuid if uuid is None else uuid
        self.backend.save(self.uuid, {'previous': True})
        exc = self.assertRaises(exc_class, self.backend.save, uuid, data)
        self.assertEqual({'previous': True}, self.backend.get(self.uuid))
        return exc

    def test_malformed_uuid(self):
        for bad in ('not-a-uuid', "1' OR '1'='1", '', 42, b'bytes',
                    '../../etc/passwd', self.uuid + '/../x'):
            self._assert_rejected(exception.InvalidUUID, {'a': 1}, uuid=bad)
            self.assertRaises(exception.InvalidUUID, self.backend.get, bad)
            self.assertRaises(exception.InvalidUUID, self.backend.delete, bad)

    def test_not_an_object(self):
        for bad in ([1, 2], 'text', 42, None):
            exc = self._assert_rejected(exception.InvalidIntrospectionData,
                                        bad)
            self.assertIn('expected a JSON object', str(exc))

    def test_not_serialisable(self):
        for bad in ({'a': object()}, {'a': float('nan')},
                    {'a': [float('inf')]}, {'a': '\ud800'}, {1: 'x'},
                    {'a': 2 ** 64}):
            exc = self._assert_rejected(exception.InvalidIntrospectionData,
                                        bad)
            self.assertIn('not serialisable as JSON', str(exc))

    def test_deep_nesting(self):
        def nested(depth):
            document = {'leaf': 1}
            for _ in range(depth - 1):
                document = {'a': [document]}
            return document

        self.backend.save(self.uuid, nested(100))
        self.assertEqual(nested(100), self.backend.get(self.uuid))
        exc = self._assert_rejected(exception.InvalidIntrospectionData,
                                    nested(1000))
        self.assertIn('not serialisable as JSON', str(exc))

    def test_many_keys(self):
        document = {'key-%06d' % i: i for i in range(100000)}
        self.backend.save(self.uuid, document)
        self.assertEqual(document, self.backend.get(self.uuid))

    def test_too_large(self):
        self.config(group='processing', max_data_size=1024)
        self.backend = self.make_backend()
        exc = self._assert_rejected(exception.IntrospectionDataTooLarge,
                                    {'a': 'x' * 2048})
        self.assertIn('max_data_size', str(exc))
        self.assertEqual(413, exc.code)

    def test_delete_says_how_many(self):
        self.backend.save(self.uuid, {'p': 1}, processed=True)
        self.backend.save(self.uuid, {'u': 1}, processed=False)
        self.assertIn(self.backend.delete(self.uuid, processed=False),
                      (1, None))
        self.assertIn(self.backend.delete(self.uuid), (1, None))
        self.assertIn(self.backend.delete(self.uuid), (0, None))

    def _save_for_nodes(self, count):
        uuids = [self.uuid] + [uuidutils.generate_uuid()
                               for _ in range(count - 1)]
        for uuid in uuids[1:]:
            self.make_node(uuid)
        for uuid in uuids:
            self.backend.save(uuid, {'p': uuid}, processed=True)
            self.backend.save(uuid, {'u': uuid}, processed=False)
        return uuids

    def test_purge_in_batches(self):
        # Batches of 2 documents: 7 nodes, 14 documents, a part batch.
        self.useFixture(fixtures.MonkeyPatch(
            'ironic_inspector.storage.base.PURGE_BATCH', 2))
        uuids = self._save_for_nodes(7)
        now = timeutils.utcnow()
        try:
            kept = self.backend.purge(now - datetime.timedelta(days=1))
        except NotImplementedError:
            self.skipTest('the backend cannot list its documents')
        self.assertEqual((0, 0), kept)
        self.assertEqual({'u': uuids[3]},
                         self.backend.get(uuids[3], processed=False))
        purged = self.backend.purge(now + datetime.timedelta(minutes=5))
        self.assertEqual((14, 0), purged)
        self.assertEqual([], list(self.backend.list()))
        for uuid in uuids:
            self.assertRaises(exception.IntrospectionDataNotFound,
                              self.backend.get, uuid, processed=False)
