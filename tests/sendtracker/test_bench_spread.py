"""The bench measures a round only when its connections keep every gunicorn worker busy.

With 4 connections all of them could land in one of the two workers (4 rounds in 10 on
/bench/ping), leaving the other idle and halving the round; bench/load.py stops such a round
and starts it again. ``connection_spread`` reads who holds the connections from ``ss``.
"""

import socket
import subprocess
import sys

import pytest

from bench.load import connection_spread, spread_ok

SERVER = {"workers": 2, "threads_per_worker": 4}


@pytest.mark.parametrize(
    ("spread", "connections", "kept"),
    [
        ([4], 4, False),  # one worker idle
        ([3, 1], 4, True),
        ([2, 2], 4, True),
        ([16, 16], 32, True),
        ([28, 4], 32, True),  # each worker has a connection for each of its threads
        ([30, 2], 32, False),  # one worker with two of its four threads idle
        ([32], 32, False),
        (None, 4, True),  # unknown (no ss): measured as it comes
    ],
)
def test_a_round_counts_when_every_worker_holds_enough_connections(spread, connections, kept):
    assert spread_ok(spread, connections, **SERVER) is kept


def test_without_the_server_shape_every_round_counts():
    assert spread_ok([4], 4, workers=None, threads_per_worker=None)


@pytest.fixture
def listening():
    server = socket.create_server(("127.0.0.1", 0))
    clients, accepted = [], []
    yield server, clients, accepted
    for sock in clients + accepted + [server]:
        sock.close()


def test_the_spread_names_how_many_connections_each_process_holds(listening):
    server, clients, accepted = listening
    port = server.getsockname()[1]
    for _ in range(3):
        clients.append(socket.create_connection(("127.0.0.1", port)))
        accepted.append(server.accept()[0])
    assert connection_spread(port, 3) == [3]  # all three held by this process


def test_the_spread_is_unknown_while_connections_wait_to_be_accepted(listening):
    server, clients, accepted = listening
    port = server.getsockname()[1]
    clients.append(socket.create_connection(("127.0.0.1", port)))
    accepted.append(server.accept()[0])
    clients.append(socket.create_connection(("127.0.0.1", port)))  # in the queue, held by no process yet
    assert connection_spread(port, 2, wait=0.2) is None


def test_only_the_load_generators_connections_count(listening):
    """A background writer's connection is not one of wrk's: with wrk's 4 in one worker and the writer's
    in the other, the spread read [4, 1] and the round, at half speed, was kept."""
    server, clients, accepted = listening
    port = server.getsockname()[1]
    generator = subprocess.Popen(
        [sys.executable, "-c", CONNECT_AND_WAIT, str(port), "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert generator.stdout.readline().strip() == b"connected"
        accepted += [server.accept()[0] for _ in range(2)]
        clients.append(socket.create_connection(("127.0.0.1", port)))  # the writer's, from this process
        accepted.append(server.accept()[0])

        assert connection_spread(port, 2, client=generator.pid) == [2]
        assert connection_spread(port, 3) == [3]  # counted without the client: all three
    finally:
        generator.communicate(b"")


CONNECT_AND_WAIT = """
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
print("connected", flush=True)
sys.stdin.read()
"""
