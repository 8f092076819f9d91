"""Job functions for the RQ test queues; the worker imports them by name."""


def ok(x):
    return x * 2


def fail(x):
    raise RuntimeError(f"boom {x}")


def flaky(x):
    """Fails while the worker runs with OPSDECK_RQ_FAIL=1: a bug fixed before the requeue."""
    import os

    if os.environ.get("OPSDECK_RQ_FAIL") == "1":
        raise RuntimeError(f"downstream unavailable {x}")
    return x
