import pytest

from tests.benefits.world import build


@pytest.fixture(autouse=True)
def _own_home(settings, tmp_path):
    """Cycle, roster and job folders in a fresh JIXIAO_HOME: ids restart with each test database."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    settings.JIXIAO_HOME = home


@pytest.fixture
def w(world, tmp_path):
    return build(world, tmp_path)
