"""Issue 9 (6): SIP over TCP cannot exhaust hotline's descriptors. With the descriptor limit
lowered to 200 (prlimit on the running server), 300 connections from one address used to put
sofia-sip's accept loop into a 100 % CPU spin; now the newest connections over the
per-source/total caps are closed, one SECURITY line is logged, CPU stays low, and new
connections, UDP and another address are served. Idle connections are closed after
tcp_idle_timeout_s."""
import re
import socket
import subprocess
import time

import harness as H

OPTIONS = ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/TCP %s:5999;branch=z9hG4bK%s\r\n"
           "From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: %s\r\n"
           "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")


def tcp_options(port, source_ip="127.0.0.1", wait=3.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(wait)
    try:
        s.bind((source_ip, 0))
        s.connect((H.LOCAL_IP, port))
        n = time.monotonic_ns()
        s.sendall((OPTIONS % (port, source_ip, n, n)).encode())
        return H.status_of(s.recv(4096))
    except OSError:
        return None
    finally:
        s.close()


def run(t):
    hl = t.start_hotline(raw="sip_security:\n  tcp_idle_timeout_s: 3\n  tcp_max_per_source: 40\n")
    port = hl.sip_port

    print("-- an idle connection is closed after tcp_idle_timeout_s (3 s)")
    idle = socket.create_connection((H.LOCAL_IP, port), timeout=10)
    began = time.monotonic()
    try:
        closed = idle.recv(10) == b""
    except OSError:
        closed = True
    t.check(closed and time.monotonic() - began < 9,
            "hotline closed the idle connection after %.1f s" % (time.monotonic() - began))
    idle.close()

    print("-- descriptor limit 200; 300 connections from 127.0.0.1")
    subprocess.run(["prlimit", "--pid", str(hl.proc.pid), "--nofile=200:200"], check=True)
    conns = []
    for _ in range(300):
        try:
            conns.append(socket.create_connection((H.LOCAL_IP, port), timeout=0.5))
        except OSError:
            break
    print("   %d connections opened" % len(conns))
    time.sleep(2)
    cpu0 = hl.cpu_seconds()
    time.sleep(3)
    cpu = hl.cpu_seconds() - cpu0
    t.check(cpu < 0.6, "hotline used %.2f s of CPU in 3 s (no accept spin)" % cpu)
    open_now = 0
    for c in conns:
        c.setblocking(False)
        try:
            if c.recv(10) != b"":
                open_now += 1
        except BlockingIOError:
            open_now += 1
        except OSError:
            pass
    t.check(open_now <= 40, "at most 40 (tcp_max_per_source) of them are still open: %d" % open_now)
    t.check(tcp_options(port, "127.0.0.2") == 200, "another address gets OPTIONS over TCP")
    t.check(hl.options() == 200, "UDP is served")
    lines = re.findall(r"SECURITY tcp: closed \d+ SIP connection", hl.log())
    t.check(len(lines) == 1, "one SECURITY tcp line, not one per connection (%d)" % len(lines))
    for c in conns:
        c.close()
    t.check(H.wait_until(lambda: tcp_options(port) == 200, 10), "127.0.0.1 is served over TCP again")


if __name__ == "__main__":
    H.main(run)
