import pytest


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()
