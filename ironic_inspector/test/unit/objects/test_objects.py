"""Object versions, compatibility, pinning and serialization."""

import datetime

from oslo_utils import uuidutils
from oslo_versionedobjects import fixture

from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector.common import release_mappings
from ironic_inspector import objects
from ironic_inspector.objects import base
from ironic_inspector.test import base as test_base

objects.register_all()

# Changing an object's fields or remotable methods changes its hash: bump
# its version, add a compatibility step in obj_make_compatible, update
# release_mappings' "master", and only then this table.
EXPECTED_FINGERPRINTS = {
    'IntrospectionData': '1.1-3f1a3445c03a8dcf99eadced2ca57e2e',
    'Node': '1.2-28ae861421be1fa8618d20bb326ddf25',
}


class FingerprintTestCase(test_base.TestCase):

    def test_versions(self):
        checker = fixture.ObjectVersionChecker(
            base.InspectorObjectRegistry.obj_classes())
        expected, actual = checker.test_hashes(EXPECTED_FINGERPRINTS)
        self.assertEqual(expected, actual,
                         'An object changed: see the note above '
                         'EXPECTED_FINGERPRINTS.')

    def test_release_mapping_names_current_versions(self):
        master = release_mappings.RELEASE_MAPPING['master']['objects']
        for name, classes in base.InspectorObjectRegistry.obj_classes(
                ).items():
            self.assertEqual(classes[0].VERSION, master[name])


def _record(**values):
    values.setdefault('node_uuid', uuidutils.generate_uuid())
    values.setdefault('data', {'inventory': {'cpu': {'count': 4}}})
    return objects.IntrospectionData(context.RequestContext(), **values)


class CompatibilityTestCase(test_base.TestCase):

    def test_1_1_to_1_0_drops_timestamps(self):
        now = datetime.datetime(2026, 11, 25, 1, 2, 3)
        primitive = _record(created_at=now, updated_at=now).obj_to_primitive(
            target_version='1.0')
        data = primitive['ironic_inspector_object.data']
        self.assertEqual('1.0',
                         primitive['ironic_inspector_object.version'])
        self.assertNotIn('created_at', data)
        self.assertNotIn('updated_at', data)
        self.assertEqual({'cpu': {'count': 4}}, data['data']['inventory'])

    def test_1_0_primitive_loads(self):
        primitive = _record(processed=False).obj_to_primitive(
            target_version='1.0')
        loaded = objects.IntrospectionData.obj_from_primitive(primitive)
        self.assertFalse(loaded.processed)
        self.assertFalse(loaded.obj_attr_is_set('updated_at'))


class PinningTestCase(test_base.TestCase):

    def test_latest_without_pin(self):
        self.assertEqual('1.1',
                         objects.IntrospectionData.get_target_version())

    def test_pinned_release(self):
        self.config(pin_release_version='1.0')
        self.assertEqual('1.0',
                         objects.IntrospectionData.get_target_version())
        self.assertEqual('1.0', objects.Node.get_target_version())

    def test_unknown_release_is_refused(self):
        self.assertRaises(ValueError, self.config,
                          pin_release_version='0.9')


class SerializerTestCase(test_base.TestCase):

    def setUp(self):
        super().setUp()
        self.serializer = base.InspectorObjectSerializer()
        self.context = context.RequestContext()

    def _round_trip(self, entity):
        primitive = self.serializer.serialize_entity(self.context, entity)
        return primitive, self.serializer.deserialize_entity(self.context,
                                                             primitive)

    def test_round_trip(self):
        record = _record(updated_at=datetime.datetime(2026, 1, 1))
        primitive, loaded = self._round_trip(record)
        self.assertEqual('1.1', primitive['ironic_inspector_object.version'])
        self.assertEqual(record.data, loaded.data)
        self.assertEqual(record.node_uuid, loaded.node_uuid)
        self.assertEqual(datetime.datetime(2026, 1, 1),
                         loaded.updated_at.replace(tzinfo=None))

    def test_pinned_serializer_sends_1_0(self):
        self.config(pin_release_version='1.0')
        primitive, loaded = self._round_trip(
            [_record(updated_at=datetime.datetime(2026, 1, 1))])
        self.assertEqual('1.0',
                         primitive[0]['ironic_inspector_object.version'])
        self.assertFalse(loaded[0].obj_attr_is_set('updated_at'))


class FieldTestCase(test_base.TestCase):

    def test_data_must_be_a_json_object(self):
        for bad in ([1], 'text', None, b'{}'):
            self.assertRaises(ValueError, _record, data=bad)

    def test_uuid_is_checked_and_canonical(self):
        self.assertRaises(exception.InvalidUUID, _record, node_uuid='x')
        uuid = uuidutils.generate_uuid()
        self.assertEqual(uuid, _record(node_uuid=uuid.upper()).node_uuid)
