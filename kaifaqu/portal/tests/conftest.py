from __future__ import annotations

import pytest


@pytest.fixture
def visitor_user(demo):
    """A visitor with a personal space (as the consultation form makes one)."""
    from kaifaqu.consultations.models import Visitor
    from kaifaqu.core.models import User

    user = User.objects.create(username="visitor-0123456789ab")
    user.set_unusable_password()
    user.save()
    Visitor.objects.create(user=user, name="王先生", phone="13800000000")
    return user
