import os

import pytest

os.environ.setdefault("JIXIAO_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "jixiao-test-home"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many logins; production hashing (PBKDF2, ~0.3 s each) would dominate the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
