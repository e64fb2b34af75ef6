"""Any JSON object survives a round trip through a backend exactly.

Mix :class:`RoundTripPropertyTests` into a test case that provides
``make_backend()`` and ``make_node(uuid)``, like the storage contract.
"""

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from oslo_utils import uuidutils

# Text without lone surrogates, which no UTF-8 document can carry.
_TEXT = st.text(st.characters(blacklist_categories=('Cs',)), max_size=40)

_SCALARS = (st.none() | st.booleans()
            | st.integers(min_value=-2 ** 63, max_value=2 ** 64 - 1)
            | st.floats(allow_nan=False, allow_infinity=False)
            | _TEXT)

JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: (st.lists(children, max_size=5)
                      | st.dictionaries(_TEXT, children, max_size=5)),
    max_leaves=30)

# A document: a JSON object; "logs" is never stored, so it is left out.
DOCUMENTS = st.dictionaries(_TEXT.filter(lambda key: key != 'logs'),
                            JSON_VALUES, max_size=8)


class RoundTripPropertyTests:

    # Each backend's test case runs this same method, which hypothesis
    # would otherwise flag.
    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.differing_executors])
    @given(document=DOCUMENTS, processed=st.booleans())
    def test_any_json_object_round_trips(self, document, processed):
        if not hasattr(self, '_property_uuid'):
            self._property_uuid = uuidutils.generate_uuid()
            self.make_node(self._property_uuid)
            self.backend = self.make_backend()
        self.backend.save(self._property_uuid, document, processed=processed)
        self.assertEqual(document, self.backend.get(self._property_uuid,
                                                    processed=processed))
