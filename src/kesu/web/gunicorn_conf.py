"""gunicorn settings for serving kesu in production, and for bench/bench_platform.py, which measures
the pages under exactly this layout:

    gunicorn -c python:kesu.web.gunicorn_conf kesu.web.wsgi     # options given after -c override these

One sync worker per core (docs/decisions.md, "Serving: sync gunicorn workers"): a page is a few
milliseconds of Python holding the GIL, so threads inside a worker only take turns, and a gthread
worker keeps every keep-alive connection it accepted however busy it is, which left one worker with
most of the clients and p95 far above p50. A sync worker accepts a request only when it is free, so
requests queue fairly in the kernel. With PostgreSQL on the same cores, a third worker on two cores
made p95 worse, not better; with the database on another machine, try one or two more (--workers).
Sync workers read requests from the client directly: in production put a buffering proxy (nginx) in
front, so that slow uploads from phones do not hold a worker.
"""

import os

bind = "127.0.0.1:8000"
worker_class = "sync"
workers = os.cpu_count() or 1
# Workers fork from a master that has already imported Django: they start in milliseconds and
# share the imported code's memory.
preload_app = True
