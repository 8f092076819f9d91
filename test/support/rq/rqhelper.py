#!/usr/bin/env python3
"""Fills and works RQ queues for opsdeck's tests with the real RQ library.

    rqhelper.py enqueue URL QUEUE '[{"id": "t-1", "fn": "fail"}, {"id": "t-2", "fn": "ok", "in": 600}]'
    rqhelper.py work URL QUEUE WORKER_NAME      (a burst worker: runs what is queued, then exits)
    rqhelper.py states URL QUEUE '["t-1", ...]' (prints {"id": status} as RQ sees it)
    rqhelper.py counts URL QUEUE                (the counts as RQ's own API reports them)
    rqhelper.py requeue URL QUEUE '["t-1"]'     (RQ's own FailedJobRegistry.requeue, to compare with)
    rqhelper.py failed URL QUEUE                (FailedJobRegistry.get_job_ids and each job's exc_info as RQ reads them)

Job ids and worker names carry the test's tag so the test can find and
delete every key it made.
"""
import json
from datetime import timedelta
import sys

from redis import Redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

import rqjobs


def main():
    cmd, url, name = sys.argv[1], sys.argv[2], sys.argv[3]
    conn = Redis.from_url(url)
    queue = Queue(name, connection=conn)
    if cmd == "enqueue":
        for spec in json.loads(sys.argv[4]):
            fn = getattr(rqjobs, spec["fn"])
            if "in" in spec:
                queue.enqueue_in(timedelta(seconds=spec["in"]), fn, spec.get("arg", 1), job_id=spec["id"])
            else:
                queue.enqueue(fn, spec.get("arg", 1), job_id=spec["id"])
        print(json.dumps({"queued": queue.count}))
    elif cmd == "work":
        worker = Worker([queue], connection=conn, name=sys.argv[4])
        worker.work(burst=True, with_scheduler=False)
        print(json.dumps({"failed": FailedJobRegistry(queue=queue).count}))
    elif cmd == "states":
        out = {}
        for job_id in json.loads(sys.argv[4]):
            try:
                out[job_id] = Job.fetch(job_id, connection=conn).get_status()
            except NoSuchJobError:
                out[job_id] = None
        print(json.dumps(out))
    elif cmd == "counts":
        print(json.dumps({
            "queued": queue.count,
            "started": StartedJobRegistry(queue=queue).count,
            "failed": FailedJobRegistry(queue=queue).count,
            "scheduled": ScheduledJobRegistry(queue=queue).count,
            "finished": FinishedJobRegistry(queue=queue).count,
        }))
    elif cmd == "requeue":
        registry = FailedJobRegistry(queue=queue)
        for job_id in json.loads(sys.argv[4]):
            registry.requeue(job_id)
        print(json.dumps({"queued": queue.count}))
    elif cmd == "failed":
        registry = FailedJobRegistry(queue=queue)
        ids = registry.get_job_ids()
        jobs = {}
        for job_id in ids:
            job = Job.fetch(job_id, connection=conn)
            jobs[job_id] = {"description": job.description, "exc_info": job.exc_info, "ended_at": job.ended_at.isoformat() if job.ended_at else None}
        print(json.dumps({"ids": ids, "jobs": jobs}))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
