#!/usr/bin/env python3
"""HTTP + WebSocket API load benchmark for Hotline (not a test). See README.md.

Starts hotline with N SIP users 3000.. (each also an agent console account, password pw3000…;
the demo admin and supervisor with seed_demo_data), one ACD queue `support` whose agents are
the first C users, a trusted trunk (127.0.0.2) and flow.yaml on number 100 (straight into the
queue). Calls flow: the C queue agents are registered with Contact 127.0.0.1:P, a sipp UAS on
P answers every call and echoes its RTP, the agents are made ready through the API, and a sipp
UAC on the trunk address keeps L calls to 100 up (each call-seconds long). Then
BUILD/bench/api_load/api_load (the C++ client) runs against the API: 1,000 subscribed
WebSockets, agent state changes -> event delivery latency, REST reads/s. At the end the
calls placed / failed during the run. Everything started is stopped by PID.
"""
import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIP_LOAD = os.path.join(HERE, "..", "sip_load")


def _load_sip_load_driver():
    """bench/sip_load/driver.py (processes by PID, register_all, sipp stats), imported by path
    under its own name (this file is a driver.py too)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("sip_load_driver", os.path.join(SIP_LOAD, "driver.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


D = _load_sip_load_driver()
H = D.H  # tests/integration/harness.py: ports, config text, OPTIONS probe, sox, templates

QUEUE_NUMBER = "100"
FIRST_USER = 3000


def config_text(users, call_agents, record, log_level):
    lines = ["queues:",
             "  - name: support",
             "    skills: {support: 1}",
             "    strategy: longest_idle",
             "    ring_timeout_s: 20",
             "    wrap_up_s: 2",
             "    announce_every_s: 0",
             "    offer_callback: false",
             "    leave_when_empty: false",
             "agents:"]
    lines += ['  - {user: "%s", skills: {support: 1}}' % a for a in call_agents]
    # --one-ip puts every socket on 127.0.0.1: lift the per-address connection cap (64).
    lines += ["http:", "  max_connections_per_source: 100000"]
    return H.config_yaml(users=users, trunks=[("bench-trunk", H.TRUNK_IP)],
                         entry_numbers=(QUEUE_NUMBER,),
                         dial_plan=[{"number": QUEUE_NUMBER, "action": "ivr", "target": "flow.yaml"}],
                         extra={"log_level": log_level, "record_calls": "true" if record else "false",
                                "seed_demo_data": "true"},
                         raw="\n".join(lines) + "\n" + H.BENCH_SIP_SECURITY)


def free_block(ip, size, low=34000, high=60000):
    """The first even port of `size` consecutive UDP ports free on ip (other benchmarks or
    test runs may be using the usual ones)."""
    import random
    for _ in range(200):
        first = random.randrange(low, high - size) & ~1
        if all(H._udp_tcp_free(ip, p, tcp=False) for p in range(first, first + size)):
            return first
    sys.exit("no %d free UDP ports on %s" % (size, ip))


def busy_cores(seconds=2.0):
    """Busy cores of the whole machine over `seconds` (/proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v) - idle, sum(v)
    b0, t0 = sample()
    time.sleep(seconds)
    b1, t1 = sample()
    return (b1 - b0) / max(1, t1 - t0) * (os.cpu_count() or 1)


def sign_in(http_port, user, password):
    import json
    for _ in range(20):
        status, _, body = H.http_request(http_port, "POST", "/api/v1/session",
                                         {"username": user, "password": password}, timeout=30)
        if status == 200:
            return json.loads(body)["token"]
        if status != 429:
            sys.exit("sign-in of %s failed: %s %s" % (user, status, body[:200]))
        time.sleep(1)
    sys.exit("sign-in of %s: rate limited" % user)


def set_state(http_port, token, agent, state):
    """POST /api/v1/agents/{agent}/state; retries 429 (50 requests/s per client IP)."""
    for _ in range(20):
        status, _, body = H.http_request(http_port, "POST", "/api/v1/agents/%s/state" % agent,
                                         {"state": state}, headers={"Authorization": "Bearer " + token})
        if status != 429:
            return status
        time.sleep(0.5)
    return 429


def db_value(db, sql, params=()):
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchone()
        finally:
            con.close()
    except sqlite3.Error as e:
        print("   (db: %s)" % e)
        return None


def log_problems(path):
    """(warnings, errors, first lines) of hotline.log."""
    warn, err, first = 0, 0, []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                low = line.lower()
                if "[warning]" in low or "[warn]" in low:
                    warn += 1
                elif "[error]" in low or "[critical]" in low:
                    err += 1
                else:
                    continue
                if len(first) < 8:
                    first.append(line.rstrip()[:200])
    except OSError:
        pass
    return warn, err, first


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"),
                    help="needs BUILD/hotline and BUILD/bench/api_load/api_load")
    ap.add_argument("--clients", type=int, default=1000, help="WebSocket clients (supervisor token)")
    ap.add_argument("--users", type=int, default=1000,
                    help="SIP users 3000.. = agent console accounts (argon2id-hashed at first start)")
    ap.add_argument("--call-agents", type=int, default=100, help="users 3000.. in the queue, answering calls")
    ap.add_argument("--calls", type=int, default=50, help="concurrent queue calls while measuring (0: none)")
    ap.add_argument("--call-seconds", type=float, default=20, help="length of each call")
    ap.add_argument("--toggle-agents", type=int, default=20, help="the last N users change state (not in the queue)")
    ap.add_argument("--rate", type=float, default=20, help="agent state changes per second")
    ap.add_argument("--event-seconds", type=float, default=30)
    ap.add_argument("--rest-agents", type=int, default=16, help="agents 3000.. signed in for the REST reads")
    ap.add_argument("--rest-conns", type=int, default=200,
                    help="REST connections, each its own client address (enough that none passes 50 req/s)")
    ap.add_argument("--rest-seconds", type=float, default=10)
    ap.add_argument("--rest-one-ip-conns", type=int, default=16)
    ap.add_argument("--rest-one-ip-seconds", type=float, default=5, help="0: skip the all-from-127.0.0.1 run")
    ap.add_argument("--threads", type=int, default=1, help="api_load io threads")
    ap.add_argument("--one-ip", action="store_true", help="every api_load connection from 127.0.0.1")
    ap.add_argument("--no-record", action="store_true", help="turn call recording off")
    ap.add_argument("--log-level", default="warn")
    ap.add_argument("--max-minutes", type=float, default=20, help="hard bound on the api_load run")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    ap.add_argument("--work-dir", default=None)
    a = ap.parse_args()

    hotline = os.path.abspath(os.path.join(a.build_dir, "hotline"))
    api_load = os.path.abspath(os.path.join(a.build_dir, "bench", "api_load", "api_load"))
    for binary in (hotline, api_load):
        if not os.access(binary, os.X_OK):
            sys.exit("no %s (build first: cmake --build %s)" % (binary, a.build_dir))
    if a.toggle_agents + a.call_agents > a.users or a.rest_agents > a.call_agents:
        sys.exit("need --users >= --call-agents + --toggle-agents and --rest-agents <= --call-agents")
    print("machine: %d cores, %.2f busy before the start (other processes)" % (os.cpu_count() or 1, busy_cores()))
    work = a.work_dir or tempfile.mkdtemp(prefix="hotline-apiload-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    db = os.path.join(data, "hotline.db")
    print("work dir %s" % work)

    users = {str(FIRST_USER + i): "pw%d" % (FIRST_USER + i) for i in range(a.users)}
    numbers = list(users)
    call_agents = {u: users[u] for u in numbers[:a.call_agents]}
    toggle_first = FIRST_USER + a.users - a.toggle_agents
    shutil.copy(os.path.join(HERE, "flow.yaml"), os.path.join(work, "flow.yaml"))
    cfg = os.path.join(work, "config.yaml")
    with open(cfg, "w") as f:
        f.write(config_text(users, call_agents, not a.no_record, a.log_level))
    sip_port = H.free_port()
    http_port = H.free_port()
    rtp_low, rtp_high = H.free_port_block(max(400, 4 * a.calls + 200))
    fresh = not os.path.exists(db)
    t_start = time.monotonic()
    hl = D.start([hotline, "--config", cfg, "--listen", H.LOCAL_IP, "--sip-port", str(sip_port),
                  "--rtp-ports", "%d-%d" % (rtp_low, rtp_high), "--http-port", str(http_port), "--data-dir", data],
                 os.path.join(work, "hotline.log"))
    try:
        if not H.wait_until(lambda: hl.poll() is None and H.options(sip_port, wait=0.3) == 200, 30):
            sys.exit("hotline not ready; see %s/hotline.log" % work)
        sip_ready = time.monotonic() - t_start
        # The API accepts connections once the missing console users are created (argon2id).
        api_ok = H.wait_until(lambda: hl.poll() is None and H.http_request(
            http_port, "GET", "/healthz", timeout=2)[0] == 200, 60 + 2.0 * a.users, interval=0.2)
        api_ready = time.monotonic() - t_start
        if not api_ok:
            sys.exit("API not ready after %.0f s; see %s/hotline.log" % (api_ready, work))
        print("hotline pid %d: SIP ready after %.1f s, API after %.1f s (%s %d agent accounts + 2 demo "
              "users: %.0f ms per account)" % (hl.pid, sip_ready, api_ready,
                                               "created" if fresh else "already had", a.users,
                                               1000 * api_ready / (a.users + 2) if fresh else 0), flush=True)

        supervisor = sign_in(http_port, "supervisor", "demo-supervisor")
        uac = None
        call_t0_ms = int(time.time() * 1000)
        if a.calls > 0:
            uas_port = H.free_port()
            t0 = time.monotonic()
            ok, failures = D.register_all(sip_port, call_agents, uas_port)
            print("registered %d of %d queue agents in %.1f s%s" % (
                ok, len(call_agents), time.monotonic() - t0,
                "" if not failures else "; first failure: %s" % failures[0]), flush=True)
            uas_xml = H.fill_template(os.path.join(SIP_LOAD, "uas_echo.xml"), os.path.join(work, "uas_echo.xml"),
                                      {"BYE_TIMEOUT_MS": int((a.call_seconds + 120) * 1000)})
            D.start(["sipp", "-sf", uas_xml, "-i", H.LOCAL_IP, "-p", str(uas_port), "-mi", H.LOCAL_IP,
                     "-mp", str(free_block(H.LOCAL_IP, 4)), "-rtp_echo", "-nostdin", "-aa", "-max_socket", "65000",
                     "-trace_stat", "-stf", os.path.join(work, "uas.csv"), "-fd", "5",
                     "-trace_err", "-error_file", os.path.join(work, "uas_err.log")],
                    os.path.join(work, "uas.log"), cwd=work)
            H.wait_until(lambda: not H._udp_tcp_free(H.LOCAL_IP, uas_port, tcp=False), 5)
            ready = sum(1 for u in call_agents if set_state(http_port, supervisor, u, "ready") == 200)
            print("%d of %d queue agents made ready through the API" % (ready, len(call_agents)), flush=True)

            wav = os.path.join(work, "tone.ulaw.wav")
            H.make_tone(wav, 440, 10, ulaw=True)
            uac_xml = H.fill_template(os.path.join(SIP_LOAD, "uac_trunk.xml"), os.path.join(work, "uac_trunk.xml"),
                                      {"WAV": wav, "CALL_MS": int(a.call_seconds * 1000)})
            with open(os.path.join(work, "callees.csv"), "w") as f:
                f.write("SEQUENTIAL\n%s\n" % QUEUE_NUMBER)
            rate = a.calls / a.call_seconds
            total = int(rate * a.max_minutes * 60) + a.calls
            call_t0_ms = int(time.time() * 1000)
            uac = D.start(["sipp", "%s:%d" % (H.LOCAL_IP, sip_port), "-sf", uac_xml,
                           "-inf", os.path.join(work, "callees.csv"), "-i", H.TRUNK_IP, "-bind_local",
                           "-p", str(H.free_port(H.TRUNK_IP)), "-mi", H.TRUNK_IP, "-mp", str(free_block(H.TRUNK_IP, 4 * a.calls + 20)),
                           "-r", "%g" % rate, "-rp", "1000", "-l", str(a.calls), "-m", str(total),
                           "-nostdin", "-max_socket", "65000", "-trace_stat", "-stf", os.path.join(work, "uac.csv"),
                           "-fd", "5", "-trace_err", "-error_file", os.path.join(work, "uac_err.log")],
                          os.path.join(work, "uac.log"), cwd=work)
            print("calls: sipp UAC keeps %d calls to %s up (%.2f calls/s, %.0f s each); waiting %.0f s "
                  "for the plateau ..." % (a.calls, QUEUE_NUMBER, rate, a.call_seconds, a.call_seconds + 3),
                  flush=True)
            time.sleep(a.call_seconds + 3)
            up = db_value(db, "SELECT COUNT(*) FROM calls WHERE start_ms >= ? AND end_ms IS NULL", (call_t0_ms,))
            print("calls up now: %s" % (up[0] if up else "?"), flush=True)

        argv = [api_load, "--port", str(http_port), "--clients", str(a.clients),
                "--toggle-first", str(toggle_first), "--toggle-count", str(a.toggle_agents),
                "--rate", "%g" % a.rate, "--event-seconds", "%g" % a.event_seconds,
                "--rest-first", str(FIRST_USER), "--rest-agents", str(a.rest_agents),
                "--rest-conns", str(a.rest_conns), "--rest-seconds", "%g" % a.rest_seconds,
                "--rest-one-ip-conns", str(a.rest_one_ip_conns),
                "--rest-one-ip-seconds", "%g" % a.rest_one_ip_seconds,
                "--threads", str(a.threads), "--server-pid", str(hl.pid)]
        if a.one_ip:
            argv.append("--one-ip")
        print("$ %s" % " ".join(argv), flush=True)
        cpu0 = D.cpu_seconds(hl.pid)
        t0 = time.monotonic()
        client = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        D.PROCS.append(client)
        try:
            rc = client.wait(a.max_minutes * 60)
        except subprocess.TimeoutExpired:
            print("api_load ran past --max-minutes; stopping it")
            rc = D.stop(client)
        wall = time.monotonic() - t0
        alive = hl.poll() is None
        print("api_load exited %s after %.0f s; hotline %s, %.2f cores over the run"
              % (rc, wall, "alive" if alive else "DIED",
                 (D.cpu_seconds(hl.pid) - cpu0) / wall if alive and wall > 0 else float("nan")), flush=True)

        if uac is not None:
            uac.send_signal(signal.SIGUSR1)  # sipp: no new calls, exit when the calls are done
            try:
                uac.wait(a.call_seconds + 40)
            except subprocess.TimeoutExpired:
                D.stop(uac)
            ok, failed, created = D.sipp_stats(os.path.join(work, "uac.csv"))
            row = db_value(db, "SELECT COUNT(*), SUM(agent IS NOT NULL AND agent <> ''), "
                               "SUM(disposition = 'answered') FROM calls WHERE start_ms >= ?", (call_t0_ms,)) or (0, 0, 0)
            print("calls during the run: sipp placed %d, completed %d, failed %d; CDRs %s, reached an "
                  "agent %s" % (created, ok, failed, row[0], row[1]), flush=True)
        warn, err, first = log_problems(os.path.join(work, "hotline.log"))
        print("hotline.log: %d warnings, %d errors%s" % (warn, err, "" if not first else ":"))
        for line in first:
            print("   " + line)
        rc_hl = D.stop(hl, 15)
        print("hotline exited %s" % rc_hl)
    finally:
        D.stop_all()
        if not a.keep and not a.work_dir:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept %s" % work)


if __name__ == "__main__":
    main()
