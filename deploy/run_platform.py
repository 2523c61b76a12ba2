"""``make run``: the whole platform on this machine, for newcomers and demos.

Starts the local Kafka broker (deploy/kafka) and, as they land, each service's API
under gunicorn and its worker, then prints where everything is. Ctrl-C stops all
of it cleanly; data lives in ``var/`` and is reused by the next run.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "kafka"))

from local_kafka import LocalKafka  # noqa: E402

VAR = ROOT / "var"
KAFKA_PORT = int(os.environ.get("TONGXIN_KAFKA_PORT", "9092"))


def main() -> int:
    VAR.mkdir(exist_ok=True)
    broker = LocalKafka(VAR / "kafka", port=KAFKA_PORT)
    print(f"starting Kafka on 127.0.0.1:{KAFKA_PORT} ...", flush=True)
    broker.start()
    print(f"Kafka ready at {broker.bootstrap_servers} in {broker.startup_seconds:.1f}s (log: {broker.log_file})")
    print("Press Ctrl-C to stop.", flush=True)
    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping and broker.process.poll() is None:
            time.sleep(0.5)
    finally:
        print("stopping ...", flush=True)
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
