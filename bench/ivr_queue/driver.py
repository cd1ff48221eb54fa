#!/usr/bin/env python3
"""IVR -> queue call-load benchmark for Hotline (not a test). See README.md.

Starts hotline with N agents (SIP users 2000.. with skill support:1), one ACD queue `support`,
a trusted trunk (127.0.0.2) and the IVR flow flow.yaml on number 100 (greeting, one-key menu,
queue). Registers every agent with the Contact 127.0.0.1:P and logs each one in with *11
(digest-authenticated INVITEs from this driver); a sipp UAS on P then answers every queue call
and echoes its RTP. For each concurrency level L a sipp UAC on the trunk address calls 100 at
L / call-seconds calls/s with at most L up; each call streams a 440 Hz tone, keys 1 by SIP
INFO in the menu, waits in the IVR/queue until an agent answers, talks, and hangs up after
call-seconds in all. Per level: calls attempted, failed, hotline CPU seconds (utime+stime from
/proc/PID/stat), agent talk call-minutes, CPU s per 1,000 call-minutes, cores per 100
concurrent calls (on the plateau where L calls are up), media check of recordings, agents
back to ready. Everything started is stopped by PID; the run is bounded (--max-minutes).
"""
import argparse
import glob
import hashlib
import os
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SIP_LOAD = os.path.join(HERE, "..", "sip_load")


def _load_sip_load_driver():
    """bench/sip_load/driver.py (processes by PID, CPU from /proc, register_all, sipp stats),
    imported by path under its own name (this file is a driver.py too)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("sip_load_driver", os.path.join(SIP_LOAD, "driver.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


D = _load_sip_load_driver()

H = D.H  # tests/integration/harness.py: ports, config text, OPTIONS probe, sox, templates

IVR_NUMBER = "100"
QUEUE = "support"


# ----------------------------------------------------------------------------- configuration


def config_text(agents, flow, log_level, record, wrap_up_s, ring_timeout_s, announce_s, media_threads=0):
    queues = ["queues:",
              "  - name: %s" % QUEUE,
              "    skills: {support: 1}",
              "    strategy: longest_idle",
              "    ring_timeout_s: %d" % ring_timeout_s,
              "    wrap_up_s: %d" % wrap_up_s,
              "    announce_every_s: %d" % announce_s,
              "    offer_callback: false",
              "    leave_when_empty: false",
              "agents:"]
    queues += ['  - {user: "%s", skills: {support: 1}}' % a for a in agents]
    extra = {"log_level": log_level, "record_calls": "true" if record else "false"}
    if media_threads:
        extra["media_threads"] = media_threads
    return H.config_yaml(users=agents, trunks=[("bench-trunk", H.TRUNK_IP)],
                         entry_numbers=(IVR_NUMBER,),
                         dial_plan=[{"number": IVR_NUMBER, "action": "ivr", "target": flow}],
                         extra=extra,
                         raw="\n".join(queues) + "\n" + H.BENCH_SIP_SECURITY)


# ----------------------------------------------------------------------------- agent login (*11)


def _hdr(msg, name):
    m = re.search(r"^%s *:(.*)$" % re.escape(name), msg, re.M | re.I)
    return m.group(1).strip() if m else ""


def _digest(user, password, method, uri, challenge):
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    realm, nonce = params.get("realm", "hotline"), params.get("nonce", "")
    ha1 = hashlib.md5(("%s:%s:%s" % (user, realm, password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    auth = 'Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5' % (user, realm, nonce, uri)
    if "auth" in params.get("qop", "").split(","):
        cnonce, nc = uuid.uuid4().hex[:16], "00000001"
        resp = hashlib.md5(("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2)).encode()).hexdigest()
        auth += ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    else:
        resp = hashlib.md5(("%s:%s:%s" % (ha1, nonce, ha2)).encode()).hexdigest()
    auth += ', response="%s"' % resp
    if "opaque" in params:
        auth += ', opaque="%s"' % params["opaque"]
    return auth


class _Dialog:
    """One agent's *11 call: INVITE -> 407 -> ACK, INVITE with credentials -> 200 -> ACK, BYE."""

    def __init__(self, user, password, sip_port, local_port, rtp_port, code):
        self.user, self.password = user, password
        self.sip_port, self.local_port, self.rtp_port = sip_port, local_port, rtp_port
        self.uri = "sip:%s@%s:%d" % (code, H.LOCAL_IP, sip_port)
        self.call_id = uuid.uuid4().hex
        self.tag = uuid.uuid4().hex[:8]
        self.to_tag = ""
        self.remote_target = self.uri
        self.state = "new"  # new, challenged, inviting, bye, done, failed
        self.why = ""
        self.pending = None  # (bytes, first_sent, last_sent, tries) of the request awaiting an answer
        self.branch = ""

    def _request(self, method, cseq, uri=None, extra=(), body="", branch=None):
        self.branch = branch or "z9hG4bK" + uuid.uuid4().hex[:16]
        to = "<sip:%s@%s>" % (self.uri.split(":")[1].split("@")[0], H.LOCAL_IP)
        if self.to_tag and method != "INVITE":
            to += ";tag=%s" % self.to_tag
        lines = ["%s %s SIP/2.0" % (method, uri or self.uri),
                 "Via: SIP/2.0/UDP %s:%d;branch=%s;rport" % (H.LOCAL_IP, self.local_port, self.branch),
                 "Max-Forwards: 70",
                 "From: <sip:%s@%s>;tag=%s" % (self.user, H.LOCAL_IP, self.tag),
                 "To: %s" % to,
                 "Call-ID: %s" % self.call_id,
                 "CSeq: %d %s" % (cseq, method),
                 "Contact: <sip:%s@%s:%d;transport=udp>" % (self.user, H.LOCAL_IP, self.local_port),
                 "User-Agent: hotline-bench"]
        lines += list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def _sdp(self):
        return ("v=0\r\no=agent 1 1 IN IP4 %s\r\ns=login\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
                % (H.LOCAL_IP, H.LOCAL_IP, self.rtp_port))

    def start(self, send):
        self.state = "new"
        self._send_tx(send, self._request("INVITE", 1, body=self._sdp()))

    def _send_tx(self, send, data):
        now = time.monotonic()
        self.pending = [data, now, now, 1]
        send(data)

    def retransmit(self, send, now):
        if not self.pending or self.state in ("done", "failed"):
            return
        data, first, last, tries = self.pending
        if now - first > 16:
            self.state, self.why = "failed", "no answer to %s" % data.split(b" ", 1)[0].decode()
            return
        if now - last >= min(4.0, 0.5 * 2 ** (tries - 1)):
            self.pending = [data, first, now, tries + 1]
            send(data)

    def on_response(self, send, status, msg):
        method = _hdr(msg, "CSeq").split()[-1].upper() if _hdr(msg, "CSeq") else ""
        cseq = int(_hdr(msg, "CSeq").split()[0] or 0)
        if status < 200:
            if self.pending:
                self.pending[2] = time.monotonic() + 30  # provisional: stop retransmitting
            return
        tag = re.search(r";\s*tag=([^;>\s]+)", _hdr(msg, "To"))
        if method == "INVITE":
            if tag:
                self.to_tag = tag.group(1)
            via_branch = re.search(r"branch=([^;\s]+)", _hdr(msg, "Via"))
            if status == 407 and cseq == 1 and self.state == "new":
                # ACK the challenge (same branch), then INVITE again with credentials.
                self.send_ack_for_error(send, cseq, via_branch.group(1) if via_branch else self.branch)
                auth = _digest(self.user, self.password, "INVITE", self.uri, _hdr(msg, "Proxy-Authenticate"))
                self.to_tag = ""
                self.state = "inviting"
                self._send_tx(send, self._request("INVITE", 2, extra=["Proxy-Authorization: %s" % auth],
                                                  body=self._sdp()))
            elif status == 407:
                self.send_ack_for_error(send, cseq, via_branch.group(1) if via_branch else self.branch)
                if cseq == 2 and self.state == "inviting":
                    self.state, self.why, self.pending = "failed", "credentials refused (407 again)", None
            elif 200 <= status < 300:
                contact = re.search(r"<([^>]+)>", _hdr(msg, "Contact"))
                if contact:
                    self.remote_target = contact.group(1)
                send(self._request("ACK", cseq, uri=self.remote_target))  # also for retransmitted 200s
                if self.state == "inviting":
                    self.state = "bye"
                    self._send_tx(send, self._request("BYE", cseq + 1, uri=self.remote_target))
            else:
                self.send_ack_for_error(send, cseq, via_branch.group(1) if via_branch else self.branch)
                self.state, self.why = "failed", "INVITE answered %d" % status
                self.pending = None
        elif method == "BYE" and self.state == "bye":
            self.state = "done"
            self.pending = None

    def send_ack_for_error(self, send, cseq, branch):
        send(self._request("ACK", cseq, branch=branch))


def login_agents(sip_port, agents, code="*11", parallel=40, timeout=300):
    """Dials `code` as every agent (digest auth on the 407), hangs up at once after the 200:
    the agent state changes when hotline answers. Returns (ok, failures)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((H.LOCAL_IP, 0))
    sock.setblocking(False)
    local_port = sock.getsockname()[1]
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # absorbs the confirmation prompt's RTP
    rtp.bind((H.LOCAL_IP, 0))
    rtp.setblocking(False)

    def send(data):
        sock.sendto(data, (H.LOCAL_IP, sip_port))

    todo = [_Dialog(u, p, sip_port, local_port, rtp.getsockname()[1], code) for u, p in agents.items()]
    by_call = {d.call_id: d for d in todo}
    active, queue = [], list(todo)
    deadline = time.monotonic() + timeout
    try:
        while (queue or active) and time.monotonic() < deadline:
            while queue and len(active) < parallel:
                d = queue.pop(0)
                d.start(send)
                active.append(d)
            ready, _, _ = select.select([sock, rtp], [], [], 0.05)
            if rtp in ready:
                try:
                    while rtp.recv(2048):
                        pass
                except BlockingIOError:
                    pass
            while sock in ready:
                try:
                    data = sock.recv(65535)
                except BlockingIOError:
                    break
                msg = data.decode(errors="replace")
                d = by_call.get(_hdr(msg, "Call-ID") or _hdr(msg, "i"))
                status = H.status_of(data)
                if d is not None and status:
                    d.on_response(send, status, msg)
                elif d is not None:
                    # A request from hotline in our dialog (its BYE after the prompt): 200 OK.
                    first = msg.split("\r\n", 1)[0]
                    if not first.startswith("ACK"):
                        resp = ["SIP/2.0 200 OK"] + [l for l in msg.split("\r\n")
                                                     if re.match(r"(Via|From|To|Call-ID|CSeq|v|f|t|i)\s*:", l, re.I)]
                        send(("\r\n".join(resp) + "\r\nContent-Length: 0\r\n\r\n").encode())
                    if first.startswith("BYE"):
                        d.state, d.pending = "done", None
            now = time.monotonic()
            for d in active:
                d.retransmit(send, now)
            active = [d for d in active if d.state not in ("done", "failed")]
    finally:
        sock.close()
        rtp.close()
    ok = [d for d in todo if d.state == "done"]
    failures = ["%s: %s" % (d.user, d.why or d.state) for d in todo if d.state != "done"]
    return len(ok), failures


def agent_states(db):
    """{agent: last to_state} from agent_events."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return dict(con.execute("SELECT agent, to_state FROM agent_events WHERE id IN "
                                "(SELECT MAX(id) FROM agent_events GROUP BY agent)").fetchall())
    except sqlite3.Error:
        return {}
    finally:
        con.close()


def count_states(states, agents):
    out = {}
    for a in agents:
        s = states.get(a, "logged_out")
        out[s] = out.get(s, 0) + 1
    return out


# ----------------------------------------------------------------------------- measurement


def machine_busy():
    """(busy jiffies, total jiffies) of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def wait_idle(max_wait_s, threshold=0.25):
    """Waits (up to max_wait_s) until the machine is quiet: less than `threshold` cores busy
    over 3 s (hotline idles between levels). Returns the busy cores last measured."""
    deadline = time.monotonic() + max_wait_s
    said = False
    while True:
        b0, t0 = machine_busy()
        time.sleep(3)
        b1, t1 = machine_busy()
        busy = (b1 - b0) / max(1, t1 - t0) * (os.cpu_count() or 1)
        if busy < threshold or time.monotonic() >= deadline:
            if said or busy >= threshold:
                print("   machine %s: %.2f cores busy" % ("quiet" if busy < threshold else "still busy (other processes)", busy),
                      flush=True)
            return busy
        if not said:
            print("   waiting for the machine to be quiet (%.2f cores busy with other processes) ..." % busy, flush=True)
            said = True


def binary_info(path):
    st = os.stat(path)
    build_id = ""
    try:
        out = subprocess.run(["readelf", "-n", path], capture_output=True, text=True, timeout=20).stdout
        m = re.search(r"Build ID: *([0-9a-f]+)", out)
        build_id = m.group(1) if m else ""
    except (OSError, subprocess.SubprocessError):
        pass
    return "%s (%s, build-id %s)" % (path, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(st.st_mtime)),
                                     build_id or "?")


def safe_cpu(pid):
    try:
        return D.cpu_seconds(pid)
    except (OSError, ValueError, IndexError):
        return float("nan")


def thread_cpu(pid):
    """{thread name: CPU seconds} of a process's threads (same-named threads summed)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in glob.glob("/proc/%d/task/*/stat" % pid):
        try:
            with open(task) as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def all_process_cpu():
    """{pid: (name, CPU seconds)} of every process on the machine."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                text = f.read()
            fields = text.rsplit(")", 1)[1].split()
            out[int(stat.split("/")[2])] = (text[text.index("(") + 1:text.rindex(")")],
                                            (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, ValueError, IndexError):
            continue
    return out


def top_others(before, after, ours, seconds, n=3):
    """'name cores, ...' of the busiest other processes between two all_process_cpu() maps
    (processes that started and ended in between are not seen)."""
    by_name = {}
    for pid, (name, cpu) in after.items():
        if pid in ours:
            continue
        delta = cpu - before[pid][1] if pid in before else cpu  # else: started in between
        if delta > 0:
            by_name[name] = by_name.get(name, 0.0) + delta / seconds
    top = sorted(by_name.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join("%s %.2f" % kv for kv in top if kv[1] >= 0.01) or "none seen"


def open_calls(db):
    """(open calls to the IVR number, of them connected to an agent)."""
    r = D.db_value(db, "SELECT COUNT(*), COALESCE(SUM(agent_answer_ms IS NOT NULL),0) FROM calls "
                       "WHERE state='open' AND to_number=?", (IVR_NUMBER,))
    return (r[0], r[1]) if r else (float("nan"), float("nan"))


def level_cdrs(db, first_rowid):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(
            "SELECT rowid AS rid, * FROM calls WHERE rowid > ? AND to_number = ? ORDER BY rowid",
            (first_rowid, IVR_NUMBER)).fetchall()]
    finally:
        con.close()


def tone_ok(tool, path, freq, channel, skip_ms):
    r = subprocess.run([tool, path, str(freq), "--channel", str(channel), "--skip-ms", str(skip_ms)],
                       capture_output=True, text=True, timeout=60)
    ratio = re.search(r"ratio=(\S+)", r.stdout + r.stderr)
    return r.returncode == 0, ratio.group(1) if ratio else (r.stdout + r.stderr).strip()[:60]


def media_check(tool, rows, count=3):
    """'k/n ok': of n recordings of the level (spread over it), how many carry the caller's
    440 Hz on the left channel and its echo from the agent phone on the right."""
    paths = [r["recording_path"] for r in rows if r.get("recording_path")]
    if not paths:
        return "no recordings", []
    picks = [paths[int(i * (len(paths) - 1) / max(1, count - 1))] for i in range(min(count, len(paths)))]
    good, detail = 0, []
    for p in picks:
        try:
            left = tone_ok(tool, p, 440, 0, 1000)
            right = tone_ok(tool, p, 440, 1, 1000)
            detail.append("%s L=%s R=%s" % (os.path.basename(p), left[1], right[1]))
            good += left[0] and right[0]
        except Exception as e:  # a missing or unreadable file counts as bad
            detail.append("%s: %s" % (p, e))
    return "%d/%d ok" % (good, len(picks)), detail


def log_counts(path, start_offset):
    """What hotline logged since start_offset: (warnings, errors, media ticks skipped, a few
    sample lines). Skipped ticks come from "media thread N: fell behind, K ticks skipped so far"
    (logged at most every 10 s per thread, so a lower bound): the media thread could not run
    for more than 3 ticks (60 ms) and dropped 20 ms frames for every call."""
    try:
        with open(path, "r", errors="replace") as f:
            f.seek(start_offset)
            text = f.read()
    except OSError:
        return 0, 0, 0, []
    lines = text.splitlines()
    level = lambda l: (l.split()[2:3] or [""])[0]  # noqa: E731  ("DATE TIME LEVEL [PID] text")
    warn = [l for l in lines if level(l) in ("warn", "warning")]
    err = [l for l in lines if level(l) in ("error", "critical", "fatal")]
    skipped = {}
    for m in re.finditer(r"media thread (\d+): fell behind, (\d+) ticks skipped so far", text):
        skipped.setdefault(m.group(1), []).append(int(m.group(2)))
    return len(warn), len(err), skipped, (err + warn)[:4]


def skipped_ticks(before, now):
    """Ticks skipped during a level from the running counters {thread: [values...]}."""
    total = 0
    for thread, values in now.items():
        total += max(values) - before.get(thread, 0)
    return total


def run_uac(work, sip_port, xml, level, rate, total, budget, mp, tag):
    stf = os.path.join(work, "uac_%s.csv" % tag)
    argv = ["sipp", "%s:%d" % (H.LOCAL_IP, sip_port), "-sf", xml, "-s", IVR_NUMBER,
            "-i", H.TRUNK_IP, "-bind_local", "-p", str(H.free_port(H.TRUNK_IP)), "-mi", H.TRUNK_IP,
            "-mp", str(mp), "-r", "%g" % rate, "-rp", "1000", "-l", str(level), "-m", str(total),
            "-nostdin", "-max_socket", "65000", "-timeout", "%ds" % int(budget), "-timeout_error",
            "-trace_stat", "-stf", stf, "-fd", "5",
            "-trace_err", "-error_file", os.path.join(work, "uac_%s_err.log" % tag)]
    return D.start(argv, os.path.join(work, "uac_%s.log" % tag), cwd=work), stf


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--levels", default="100,250,500,1000", help="concurrency levels, comma separated")
    ap.add_argument("--agents", type=int, default=0, help="agents 2000..2000+N-1 (default: the highest level)")
    ap.add_argument("--call-seconds", type=float, default=30,
                    help="length of each caller's call from answer to BYE (IVR + queue + agent talk)")
    ap.add_argument("--key-ms", type=int, default=2500, help="when the caller keys 1 after the answer (ms)")
    ap.add_argument("--level-seconds", type=float, default=0,
                    help="how long to keep placing calls per level (default: 2 x call-seconds)")
    ap.add_argument("--wrap-up", type=int, default=2, help="queue wrap_up_s")
    ap.add_argument("--ring-timeout", type=int, default=20, help="queue ring_timeout_s")
    ap.add_argument("--announce-every", type=int, default=30, help="queue announce_every_s (0 = never)")
    ap.add_argument("--stop-above", type=float, default=5.0, help="stop stepping up when failed %% exceeds this")
    ap.add_argument("--max-minutes", type=float, default=40, help="hard bound on the whole run")
    ap.add_argument("--media-threads", type=int, default=0,
                    help="hotline media_threads (default: not set, hotline's default of 1)")
    ap.add_argument("--wait-idle", type=float, default=180,
                    help="before each level wait up to this many seconds for other processes to go quiet")
    ap.add_argument("--log-level", default="warn", help="hotline log level (info logs every call step)")
    ap.add_argument("--no-record", action="store_true", help="turn call recording off")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (recordings, logs, db)")
    ap.add_argument("--work-dir", default=None)
    a = ap.parse_args()

    deadline = time.monotonic() + a.max_minutes * 60
    build = os.path.abspath(a.build_dir)
    hotline = os.path.join(build, "hotline")
    tone_check = os.path.join(build, "tone-check")
    if not os.access(hotline, os.X_OK):
        sys.exit("no hotline binary at %s (build first: make build)" % hotline)
    if not a.no_record and not os.access(tone_check, os.X_OK):
        sys.exit("no tone-check at %s (cmake --build %s --target tone-check)" % (tone_check, build))
    levels = [int(x) for x in a.levels.split(",") if x.strip()]
    n_agents = a.agents or max(levels)
    if n_agents < max(levels):
        print("note: %d agents < highest level %d: callers will wait in the queue" % (n_agents, max(levels)))
    key_ms = a.key_ms
    rest_ms = int(a.call_seconds * 1000) - key_ms
    if rest_ms < 1000:
        sys.exit("--call-seconds must be at least %.1f (key at %d ms + 1 s)" % ((key_ms + 1000) / 1000, key_ms))

    work = a.work_dir or tempfile.mkdtemp(prefix="hotline-ivrqueue-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    db = os.path.join(data, "hotline.db")
    print("work dir %s" % work)
    print("hotline binary %s" % binary_info(hotline))
    # A private copy: a rebuild of BUILD/hotline during the run cannot change what is measured.
    shutil.copy2(hotline, os.path.join(work, "hotline"))
    hotline = os.path.join(work, "hotline")

    agents = {str(2000 + i): "pw%d" % (2000 + i) for i in range(n_agents)}
    flow = os.path.join(work, "flow.yaml")
    shutil.copy(os.path.join(HERE, "flow.yaml"), flow)
    cfg = os.path.join(work, "config.yaml")
    with open(cfg, "w") as f:
        f.write(config_text(agents, flow, a.log_level, not a.no_record, a.wrap_up, a.ring_timeout,
                            a.announce_every, a.media_threads))
    sip_port = H.free_port()
    http_port = H.free_port()
    log_path = os.path.join(work, "hotline.log")
    hl = D.start([hotline, "--config", cfg, "--listen", H.LOCAL_IP, "--sip-port", str(sip_port),
                  "--rtp-ports", "20000-31999", "--http-port", str(http_port), "--data-dir", data], log_path)
    try:
        if not H.wait_until(lambda: hl.poll() is None and H.options(sip_port, wait=0.3) == 200, 30):
            sys.exit("hotline not ready; see %s/hotline.log" % work)
        print("hotline pid %d ready on %s:%d; %d agents, queue %s (longest_idle, wrap-up %d s, ring timeout %d s)"
              % (hl.pid, H.LOCAL_IP, sip_port, n_agents, QUEUE, a.wrap_up, a.ring_timeout), flush=True)

        # 1. Register every agent with Contact 127.0.0.1:P (sent from P; sipp binds P next).
        uas_port = H.free_port()
        t0 = time.monotonic()
        ok, failures = D.register_all(sip_port, agents, uas_port)
        print("registered %d of %d agents in %.1f s%s" % (ok, n_agents, time.monotonic() - t0,
                                                         "" if not failures else "; first failure: %s" % failures[0]),
              flush=True)
        uas_xml = H.fill_template(os.path.join(SIP_LOAD, "uas_echo.xml"), os.path.join(work, "uas_echo.xml"),
                                  {"BYE_TIMEOUT_MS": int((a.call_seconds + 120) * 1000)})
        uas = D.start(["sipp", "-sf", uas_xml, "-i", H.LOCAL_IP, "-p", str(uas_port), "-mi", H.LOCAL_IP,
                       "-mp", "40000", "-rtp_echo", "-nostdin", "-aa", "-max_socket", "65000",
                       "-trace_stat", "-stf", os.path.join(work, "uas.csv"), "-fd", "5",
                       "-trace_err", "-error_file", os.path.join(work, "uas_err.log")],
                      os.path.join(work, "uas.log"), cwd=work)
        H.wait_until(lambda: not H._udp_tcp_free(H.LOCAL_IP, uas_port, tcp=False), 5)

        # 2. Log every agent in (*11: login + ready), check agent_events.
        t0 = time.monotonic()
        ok, failures = login_agents(sip_port, agents)
        print("*11 dialled by %d of %d agents in %.1f s%s" % (ok, n_agents, time.monotonic() - t0,
                                                             "" if not failures else "; first failure: %s" % failures[0]),
              flush=True)
        H.wait_until(lambda: count_states(agent_states(db), agents).get("ready", 0) == n_agents, 20)
        states = count_states(agent_states(db), agents)
        print("agent states in agent_events: %s" % states, flush=True)
        if states.get("ready", 0) < n_agents:
            print("WARNING: only %d of %d agents are ready" % (states.get("ready", 0), n_agents))

        wav = os.path.join(work, "tone440.ulaw.wav")
        H.make_tone(wav, 440, 10, ulaw=True)
        uac_xml = H.fill_template(os.path.join(HERE, "uac_ivr.xml"), os.path.join(work, "uac_ivr.xml"),
                                  {"WAV": wav, "KEY_MS": key_ms, "REST_MS": rest_ms})
        warm_xml = H.fill_template(os.path.join(HERE, "uac_ivr.xml"), os.path.join(work, "uac_warm.xml"),
                                   {"WAV": wav, "KEY_MS": key_ms, "REST_MS": 6000})

        # 3. Warm-up call: renders the TTS prompts (cached afterwards), checks the path end to end.
        first = (D.db_value(db, "SELECT COALESCE(MAX(rowid),0) FROM calls") or [0])[0]
        uac, stf = run_uac(work, sip_port, warm_xml, 1, 1, 1, 60, 54000, "warmup")
        try:
            uac.wait(90)
        except subprocess.TimeoutExpired:
            D.stop(uac)
        okc, failed, _ = D.sipp_stats(stf)
        H.wait_until(lambda: all(r["state"] == "closed" for r in level_cdrs(db, first)), 10)
        rows = level_cdrs(db, first)
        r = rows[-1] if rows else {}
        print("warm-up call: sipp ok=%d failed=%d; CDR agent=%s wait_ms=%s ivr_path=%s" % (
            okc, failed, r.get("agent"), r.get("wait_ms"), r.get("ivr_path")), flush=True)
        if not a.no_record and rows:
            print("   warm-up media: %s %s" % media_check(tone_check, rows, 1))
        H.wait_until(lambda: count_states(agent_states(db), agents).get("ready", 0) == n_agents, a.wrap_up + 10)

        # 4. Levels.
        results = []
        skip_counters = {}
        mp = 44000
        for level in levels:
            rate = level / a.call_seconds
            place_s = a.level_seconds or 2 * a.call_seconds
            total = max(1, int(round(rate * place_s)))
            budget = place_s + a.call_seconds + 90
            if time.monotonic() + budget + 30 > deadline:
                print("level %d skipped: would pass --max-minutes" % level)
                break
            idle_before = wait_idle(a.wait_idle) if a.wait_idle > 0 else float("nan")
            first = (D.db_value(db, "SELECT COALESCE(MAX(rowid),0) FROM calls") or [0])[0]
            log_off = os.path.getsize(log_path)
            cpu0 = safe_cpu(hl.pid)
            t0 = time.monotonic()
            print("level %d: %d calls at %.2f/s, %.0f s each (key 1 at %.1f s) ..."
                  % (level, total, rate, a.call_seconds, key_ms / 1000), flush=True)
            uac, stf = run_uac(work, sip_port, uac_xml, level, rate, total, budget, mp, str(level))
            # Plateau: from one call length (+3 s) after the start until placing stops, L calls
            # are up; sample CPU (hotline, sipp, machine) and open calls there.
            win_start, win_end = a.call_seconds + 3, place_s
            samples = []  # (t, hl_cpu, sipp_cpu, busy, total_jiffies, open, connected)
            threads = []  # thread_cpu(hotline) at the first and the last plateau sample
            procs = []  # all_process_cpu() at the first and the last plateau sample
            while uac.poll() is None and time.monotonic() - t0 < budget + 30:
                time.sleep(1.0)
                t = time.monotonic() - t0
                if win_start <= t <= win_end + 0.5:
                    busy, tot = machine_busy()
                    o, c = open_calls(db)
                    samples.append((t, safe_cpu(hl.pid), safe_cpu(uac.pid) + safe_cpu(uas.pid), busy, tot, o, c))
                    threads[1:] = [thread_cpu(hl.pid)]
                    if len(threads) == 1:
                        threads.append(threads[0])
                    procs[1:] = [all_process_cpu()]
                    if len(procs) == 1:
                        procs.append(procs[0])
            if uac.poll() is None:
                D.stop(uac)
            wall = time.monotonic() - t0
            alive = hl.poll() is None
            cpu = (safe_cpu(hl.pid) - cpu0) if alive else float("nan")
            okc, failed, created = D.sipp_stats(stf)
            attempted = max(created, okc + failed)
            failed_pct = 100.0 * failed / attempted if attempted else 100.0
            H.wait_until(lambda: all(r["state"] == "closed" for r in level_cdrs(db, first)), 15)
            rows = level_cdrs(db, first)
            served = [r for r in rows if r.get("agent_answer_ms")]
            agent_ms = sum(max(0, (r["end_ms"] or r["agent_answer_ms"]) - r["agent_answer_ms"]) for r in served)
            call_min = agent_ms / 60000.0
            caller_min = sum(r["talk_ms"] or 0 for r in rows) / 60000.0
            per_k = cpu / call_min * 1000 if call_min else float("nan")
            keyed = sum(1 for r in rows if re.search(r"menu[^;,]*:1\b|main_menu:1", r.get("ivr_path") or ""))
            waits = sorted(r["wait_ms"] for r in served if r.get("wait_ms") is not None)
            res = dict(level=level, rate=rate, attempted=attempted, ok=okc, failed=failed, failed_pct=failed_pct,
                       cpu=cpu, call_min=call_min, caller_min=caller_min, per_k=per_k, wall=wall,
                       cdrs=len(rows), served=len(served), keyed=keyed, alive=alive,
                       wait_p50=waits[len(waits) // 2] if waits else float("nan"),
                       wait_max=waits[-1] if waits else float("nan"))
            # Plateau figures.
            if len(samples) >= 2:
                (ta, ha, sa, ba, ja, _, _), (tb, hb, sb, bb, jb, _, _) = samples[0], samples[-1]
                conc = sum(s[5] for s in samples) / len(samples)
                conn = sum(s[6] for s in samples) / len(samples)
                cores = (hb - ha) / (tb - ta)
                ncpu = os.cpu_count() or 1
                res.update(plat_s=tb - ta, plat_conc=conc, plat_conn=conn, plat_cores=cores,
                           plat_per100=cores / (conc / 100.0) if conc else float("nan"),
                           plat_sipp=(sb - sa) / (tb - ta), plat_busy=(bb - ba) / max(1, jb - ja) * ncpu)
                res["plat_other"] = max(0.0, res["plat_busy"] - res["plat_cores"] - res["plat_sipp"])
                res["plat_top_others"] = top_others(procs[0], procs[1], {hl.pid, uac.pid, uas.pid, os.getpid()},
                                                    tb - ta)
                res["plat_threads"] = ", ".join(
                    "%s %.3f" % (name, (threads[1].get(name, 0) - threads[0].get(name, 0)) / (tb - ta))
                    for name in sorted(threads[1], key=lambda n: threads[0].get(n, 0) - threads[1][n])
                    if threads[1][name] - threads[0].get(name, 0) > 0)
            else:
                res.update(plat_s=0, plat_conc=float("nan"), plat_conn=float("nan"), plat_cores=float("nan"),
                           plat_per100=float("nan"), plat_sipp=float("nan"), plat_busy=float("nan"),
                           plat_other=float("nan"))
            res["per100_from_min"] = per_k / 60000.0 * 100 if call_min else float("nan")
            warn, err, skipped, sample_lines = log_counts(log_path, log_off)
            res.update(log_warn=warn, log_err=err, skipped=skipped_ticks(skip_counters, skipped))
            for thread, values in skipped.items():
                skip_counters[thread] = max(values)
            results.append(res)
            print("level %(level)5d  attempted %(attempted)6d  failed %(failed)5d (%(failed_pct).2f%%)  "
                  "hotline cpu %(cpu)8.2f s  agent call-min %(call_min)8.1f  cpu s/1000 call-min %(per_k)7.2f  "
                  "(%(wall).0f s)" % res, flush=True)
            print("   CDRs %(cdrs)d, served by an agent %(served)d, keyed 1 in the menu %(keyed)d (the others reached "
                  "the queue by the menu timeout); queue wait "
                  "p50 %(wait_p50).0f ms, max %(wait_max).0f ms; caller call-min %(caller_min).1f" % res)
            print("   plateau %(plat_s).0f s: %(plat_conc).0f calls up (%(plat_conn).0f with an agent), hotline "
                  "%(plat_cores).3f cores = %(plat_per100).3f cores per 100 concurrent calls; sipp %(plat_sipp).2f "
                  "cores; machine busy %(plat_busy).2f of %(ncpu)d cores (other processes ~%(plat_other).2f)"
                  % dict(res, ncpu=os.cpu_count() or 1))
            if res.get("plat_threads"):
                print("   hotline threads on the plateau (cores): %s" % res["plat_threads"])
                print("   busiest other processes on the plateau (cores): %s" % res["plat_top_others"])
            print("   hotline log: %d warnings, %d errors; media ticks skipped (20 ms of audio each, for every "
                  "call; lower bound) %d%s" % (warn, err, res["skipped"], "".join("\n     " + l for l in sample_lines)))
            # sipp's [auto_media_port] runs over -mp .. -mp+9999 (modulo 10000): alternate two
            # bases below 65535 so a level never reuses the ports the previous one just closed.
            mp = 54000 if mp == 44000 else 44000
            if not a.no_record:
                res["media"], detail = media_check(tone_check, served)
                print("   media check (caller 440 Hz left, agent echo right): %s  [%s]" % (res["media"], "; ".join(detail)),
                      flush=True)
                if not a.keep:
                    for f in glob.glob(os.path.join(data, "recordings", "**", "*.wav"), recursive=True):
                        try:
                            os.remove(f)
                        except OSError:
                            pass
            # Agents back to ready (after the wrap-up)?
            H.wait_until(lambda: count_states(agent_states(db), agents).get("ready", 0) == n_agents, a.wrap_up + 15)
            states = count_states(agent_states(db), agents)
            res["agents_ready"] = states.get("ready", 0)
            print("   agents after the level: %s" % states, flush=True)
            if not alive:
                print("hotline died during level %d; see %s/hotline.log" % (level, work))
                break
            if failed_pct > a.stop_above:
                print("stopping: failed %.2f%% > %.2f%%" % (failed_pct, a.stop_above))
                break

        print()
        print("%6s %9s %7s %7s %6s %9s %9s %12s %9s %9s %7s %6s %6s  %s" % (
            "level", "attempted", "failed", "failed%", "keyed", "cpu_s", "agent_min", "cpu_s/1k_min",
            "cores/100", "plat/100", "skipped", "busy", "other", "media"))
        for r in results:
            print("%6d %9d %7d %7.3f %6d %9.2f %9.1f %12.2f %9.3f %9.3f %7d %6.2f %6.2f  %s" % (
                r["level"], r["attempted"], r["failed"], r["failed_pct"], r["keyed"], r["cpu"], r["call_min"],
                r["per_k"], r["per100_from_min"], r["plat_per100"], r["skipped"], r["plat_busy"], r["plat_other"],
                r.get("media", "-")))
        print("keyed: calls whose menu took the INFO key 1 (else the menu timed out to the queue); agent_min: "
              "agent talk call-minutes (CDR end - agent answer); cores/100: hotline CPU s per agent-talk "
              "call-second x 100 (whole level; the IVR phase's CPU included); plat/100: hotline cores / (calls up "
              "/ 100) on the plateau (IVR + queue + talk); skipped: media ticks the media thread dropped (logged, "
              "lower bound); busy / other: busy cores of the machine on the plateau / of them not hotline or sipp")
        held = [r["level"] for r in results if r["failed_pct"] < 0.1 and r["attempted"] > 0]
        print("highest level held with < 0.1%% failed calls: %s" % (max(held) if held else "none"))
        clean = [r["level"] for r in results if r["failed_pct"] < 0.1 and r["attempted"] > 0
                 and r["keyed"] == r["cdrs"] and r.get("media", "-").split(" ")[0] in ("3/3", "-")
                 and r["skipped"] <= 0.01 * r["wall"] * 50]
        print("highest level held with < 0.1%% failed calls and clean media (every menu key taken in time, "
              "3/3 recordings ok, media ticks skipped <= 1%% of the level's): %s" % (max(clean) if clean else "none"))
        D.stop(uas)
        rc = D.stop(hl, 15)
        print("hotline exited %s" % rc)
    finally:
        D.stop_all()
        if not a.keep and not a.work_dir:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept %s" % work)


if __name__ == "__main__":
    main()
