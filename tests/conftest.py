import os

os.environ.setdefault("JIXIAO_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "jixiao-test-home"))
