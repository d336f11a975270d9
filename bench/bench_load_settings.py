"""Settings of the load benchmark's server (``bench/bench_load.py``): the project's own,
read from the environment as in production, with one URLconf that adds the bare view.

Only the benchmark starts a server on these settings; no deployment names them."""

from kaifaqu.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_load_urls"
