#!/usr/bin/env python3
"""RQ's side of the queue conformance test, with Debian's python3-rq.

The module is also the job module the workers import (PYTHONPATH is this
folder), so the job functions live here too.

    queuesRq.py fill URL QUEUE TAG      (every registry state but started; prints the ids)
    queuesRq.py hold URL QUEUE TAG      (enqueues a job that holds a worker until TAG-release exists)
    queuesRq.py worker URL QUEUE NAME   (a burst SimpleWorker: runs what is queued, then exits)
    queuesRq.py counts URL QUEUE        (the figures RQ's own API gives, per registry it has)
"""
import json
import sys
import time
from datetime import timedelta

import rq.registry
from redis import Redis
from rq import Queue
from rq.worker import SimpleWorker


def ok(x):
    return x * 2


def fail(x):
    raise RuntimeError(f"boom {x}")


def hold(release_key, url):
    """Keeps its worker busy (the job in the started registry) until released."""
    conn = Redis.from_url(url)
    deadline = time.time() + 60
    while time.time() < deadline and not conn.exists(release_key):
        time.sleep(0.1)


# RQ's registries by the status they hold; older releases lack some of them
REGISTRIES = {
    "started": "StartedJobRegistry",
    "deferred": "DeferredJobRegistry",
    "scheduled": "ScheduledJobRegistry",
    "finished": "FinishedJobRegistry",
    "failed": "FailedJobRegistry",
    "canceled": "CanceledJobRegistry",
}


def main():
    cmd, url, name = sys.argv[1], sys.argv[2], sys.argv[3]
    conn = Redis.from_url(url)
    queue = Queue(name, connection=conn)
    if cmd == "fill":
        tag = sys.argv[4]
        # through a worker first: two failed, one finished
        for i, fn in enumerate(["fail", "ok", "fail"]):
            queue.enqueue(f"queuesRq.{fn}", i, job_id=f"{tag}-done-{i}")
        SimpleWorker([queue], connection=conn, name=f"{tag}-burst").work(burst=True, with_scheduler=False)
        # then what nobody takes: three queued, two scheduled, one canceled,
        # and two deferred behind a job that has not finished (the held one when it exists)
        for i in range(3):
            queue.enqueue("queuesRq.ok", i, job_id=f"{tag}-queued-{i}")
        for i in range(2):
            queue.enqueue_in(timedelta(seconds=3600 + i), "queuesRq.ok", i, job_id=f"{tag}-later-{i}")
        parent = f"{tag}-hold" if queue.fetch_job(f"{tag}-hold") else f"{tag}-queued-0"
        for i in range(2):
            queue.enqueue("queuesRq.ok", i, job_id=f"{tag}-child-{i}", depends_on=parent)
        queue.enqueue("queuesRq.ok", 9, job_id=f"{tag}-canceled").cancel()
        print(json.dumps({"queued": queue.count}))
    elif cmd == "hold":
        tag = sys.argv[4]
        queue.enqueue("queuesRq.hold", f"{tag}-release", url, job_id=f"{tag}-hold")
        print(json.dumps({"queued": queue.count}))
    elif cmd == "worker":
        SimpleWorker([queue], connection=conn, name=sys.argv[4]).work(burst=True, with_scheduler=False)
        print(json.dumps({"done": True}))
    elif cmd == "counts":
        out = {"queued": len(queue)}
        for status, cls in REGISTRIES.items():
            registry = getattr(rq.registry, cls, None)
            if registry is not None:
                out[status] = registry(queue=queue).count
        print(json.dumps(out))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
