import os

import pytest

os.environ.setdefault("JIXIAO_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "jixiao-test-home"))


@pytest.fixture(autouse=True, scope="session")
def _private_data_folder(tmp_path_factory):
    """Each test session its own data folder: pytest-django reads the settings before this file sets JIXIAO_HOME,
    so without it two sessions at once (two worktrees) share ~/.jixiao and trip over each other's files."""
    from django.conf import settings

    home = tmp_path_factory.mktemp("jixiao-home")
    previous = settings.JIXIAO_HOME, os.environ.get("JIXIAO_HOME")
    settings.JIXIAO_HOME = home
    os.environ["JIXIAO_HOME"] = str(home)  # the commands tests start as processes
    yield home
    settings.JIXIAO_HOME = previous[0]
    if previous[1] is None:
        os.environ.pop("JIXIAO_HOME", None)
    else:
        os.environ["JIXIAO_HOME"] = previous[1]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many logins; production hashing (PBKDF2, ~0.3 s each) would dominate the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached aggregates are keyed by a data version; a test starts from an empty cache all the same."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """The shared invented world (tests/personas.py): regions below two counties, one project per region
    level, one user per role."""
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def run_jobs_here(settings, django_capture_on_commit_callbacks):
    """Queued jobs run at once in this process (django-tasks' immediate backend; same test database).
    Use as a context manager around the request that starts the job."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return lambda: django_capture_on_commit_callbacks(execute=True)
