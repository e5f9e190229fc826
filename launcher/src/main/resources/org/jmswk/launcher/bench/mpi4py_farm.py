# The peer of `jmswk bench farm`: mpi4py.futures on the same Open MPI, the same task shapes.
# Usage: mpiexec -n 1 python3 mpi4py_farm.py WORKERS SUBMIT_TASKS MAP_TASKS TASKS_64K TASKS_1M
# Prints "FIGURE name value" lines (tasks/s).
import sys
import time
from mpi4py.futures import MPIPoolExecutor


def square(x):
    return x * x


def echo(b):
    return b


def submit_rate(ex, n):
    t0 = time.perf_counter()
    fs = [ex.submit(square, i) for i in range(n)]
    for i, f in enumerate(fs):
        if f.result() != i * i:
            raise SystemExit("FAIL wrong result")
    return n / (time.perf_counter() - t0)


def map_rate(ex, n, chunksize):
    t0 = time.perf_counter()
    for i, v in enumerate(ex.map(square, range(n), chunksize=chunksize)):
        if v != i * i:
            raise SystemExit("FAIL wrong result")
    return n / (time.perf_counter() - t0)


def payload_rate(ex, size, n):
    payload = bytes((i * 31) & 0xff for i in range(size))
    t0 = time.perf_counter()
    fs = [ex.submit(echo, payload) for _ in range(n)]
    for f in fs:
        if len(f.result()) != size:
            raise SystemExit("FAIL short echo")
    return n / (time.perf_counter() - t0)


def main():
    workers, submit_tasks, map_tasks, t64k, t1m = (int(a) for a in sys.argv[1:6])
    with MPIPoolExecutor(max_workers=workers) as ex:
        ex.bootup(wait=True)
        for _ in range(3):  # warm-up
            submit_rate(ex, 100)
            map_rate(ex, 10000, 1000)
        print("FIGURE submit %.1f" % submit_rate(ex, submit_tasks), flush=True)
        for chunk in (10, 100, 1000):
            print("FIGURE map-c%d %.1f" % (chunk, map_rate(ex, map_tasks, chunk)), flush=True)
        if t64k > 0:
            payload_rate(ex, 64 << 10, max(1, t64k // 4))
            print("FIGURE payload-65536 %.1f" % payload_rate(ex, 64 << 10, t64k), flush=True)
        if t1m > 0:
            payload_rate(ex, 1 << 20, max(1, t1m // 4))
            print("FIGURE payload-1048576 %.1f" % payload_rate(ex, 1 << 20, t1m), flush=True)


if __name__ == "__main__":
    main()
