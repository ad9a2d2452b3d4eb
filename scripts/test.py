"""`make test`'s runner: a Redis that answers (started when none does), then pytest with the arguments."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import localredis

url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
url, proc = localredis.ensure(url)
env = {**os.environ, "TEST_REDIS_URL": url}
try:
    code = subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)
finally:
    if proc:
        proc.terminate()
        proc.wait(10)
sys.exit(code)
