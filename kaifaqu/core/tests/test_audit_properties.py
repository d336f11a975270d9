"""Whatever a service puts in before/after, the row verifies after the database round trip."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction, AuditEntry

# JSON as services produce it: any text (NUL too, which PostgreSQL refuses and the log
# replaces), integers, finite floats (which jsonb would rewrite), booleans, null, nesting.
text = st.text(st.characters(blacklist_categories=["Cs"]))
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=json_values, after=json_values, label=text.map(lambda s: s[:150]))
def test_any_json_content_verifies_after_a_round_trip(before, after, label):
    entry = audit.record(
        AuditAction.UPDATE, actor_label=label, object_repr=label, before=before, after=after
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.hash == entry.hash
    assert audit.verify_chain() is None
