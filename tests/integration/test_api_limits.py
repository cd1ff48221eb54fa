"""HTTP connection limits of a real hotline (issue 9, point 6, the HTTP part).

1. Caps and idle timeout (http: max_connections_per_source 20, idle_timeout_s 2): 20 idle
   connections from 127.0.0.1 are held; the 21st gets a 503 and is closed; 127.0.0.2 is still
   served; the idle connections are closed by the server after about 2 s, and 127.0.0.1 is
   served again.
2. Out of descriptors: hotline runs under `prlimit --nofile=N` with caps above N, so
   connections really exhaust the descriptors (EMFILE). While hundreds wait: the server keeps
   running (SIP OPTIONS answered), the log does not explode (one "accept failed" line for the
   episode, not one per attempt); once the clients close, the server accepts again (logged
   once) and a new sign-in works.
"""
import os
import socket
import time

import harness as H

FD_LIMIT = 192


def connect(port, source="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    return s


def closed_by_server(s, timeout):
    """True if the server closes the connection (EOF or reset) within `timeout` seconds."""
    s.settimeout(timeout)
    try:
        return s.recv(4096) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def caps_and_idle(t):
    print("-- 1. per-source cap and idle timeout")
    hl = t.start_hotline(extra={}, raw="http:\n  max_connections_per_source: 20\n  idle_timeout_s: 2\n")
    hl.wait_http()
    held = [connect(hl.http_port) for _ in range(20)]
    time.sleep(0.3)
    extra = connect(hl.http_port)
    extra.settimeout(5)
    try:
        answer = extra.recv(4096)
    except OSError:
        answer = b""
    t.check(answer.startswith(b"HTTP/1.1 503") and b"too_many_connections" in answer,
            "the 21st connection from one address gets 503", answer[:200])
    t.check(closed_by_server(extra, 3), "and is closed")
    extra.close()
    other = connect(hl.http_port, "127.0.0.2")
    other.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    other.settimeout(5)
    t.check(other.recv(4096).startswith(b"HTTP/1.1 200"), "another address is still served")
    other.close()
    start = time.monotonic()
    closed = [closed_by_server(s, 6) for s in held]
    print("     idle connections closed after %.1f s" % (time.monotonic() - start))
    t.check(all(closed), "idle connections are closed by the server (idle_timeout_s 2)",
            closed.count(False))
    for s in held:
        s.close()
    time.sleep(0.3)
    r = hl.http("GET", "/healthz")
    t.check(r[0] == 200, "127.0.0.1 is served again", r)
    t.check(hl.stop() == 0, "hotline exits 0")


def out_of_descriptors(t):
    print("-- 2. out of descriptors (prlimit --nofile=%d)" % FD_LIMIT)
    config = H.config_yaml(extra={"seed_demo_data": "true"},
                           raw="http:\n  max_connections: 100000\n  max_connections_per_source: 100000\n"
                               "  idle_timeout_s: 60\n")
    hl = H.Hotline(t, config, "hotline-fd")
    plain_argv = hl.argv
    hl.argv = lambda: ["prlimit", "--nofile=%d:%d" % (FD_LIMIT, FD_LIMIT), "--"] + plain_argv()
    t._hotlines.append(hl)
    hl.start()
    hl.wait_http()
    used = len(os.listdir("/proc/%d/fd" % hl.proc.pid))
    print("     hotline uses %d descriptors of %d before the flood" % (used, FD_LIMIT))
    lines_before = len(hl.log().splitlines())
    clients = []
    for _ in range(FD_LIMIT + 100):
        try:
            clients.append(connect(hl.http_port))
        except OSError:
            break
    time.sleep(4)  # several back-off rounds
    fds = len(os.listdir("/proc/%d/fd" % hl.proc.pid))
    log = hl.log().splitlines()[lines_before:]
    failed = [l for l in log if "accept failed" in l]
    print("     %d client connections; hotline holds %d descriptors; %d new log lines, %d 'accept failed'"
          % (len(clients), fds, len(log), len(failed)))
    t.check(fds >= FD_LIMIT - 2, "the connections really exhausted the descriptors", fds)
    t.check(hl.alive(), "hotline keeps running")
    t.check(H.options(hl.sip_port) == 200, "SIP still answers OPTIONS")
    t.check(len(failed) == 1, "one 'accept failed' line for the episode (not one per attempt)", failed[:5])
    t.check(len(log) < 100, "the log does not explode (%d lines in 4 s)" % len(log), log[-5:])
    for s in clients:
        s.close()
    ok = H.wait_until(lambda: hl.http("POST", "/api/v1/session",
                                      {"username": "admin", "password": "demo-admin"})[0] == 200, 15)
    t.check(ok, "after the clients close, a new sign-in works")
    t.check("accepting connections again" in hl.log(), "log: accepting again (once)")
    t.check(len([l for l in hl.log().splitlines() if "accept failed" in l]) == 1,
            "still a single 'accept failed' line")


def run(t):
    caps_and_idle(t)
    out_of_descriptors(t)


H.main(run)
