"""Shared helpers for Hotline's integration tests (Python 3 standard library only).

Every tests/integration/test_*.py is run by ctest as
    python3 FILE --build-dir BUILD --source-dir SRC
and passes when it exits 0. A test does:

    import harness
    def run(t):                      # t: harness.Test
        hl = t.start_hotline()       # config with users 1001..1010, entry numbers 600/601
        ...
        t.check(condition, "what is being checked", "detail on failure")
    harness.main(run)

What lives here: free ports, the test configuration, starting/stopping hotline (with its log
kept under the per-test directory and its tail printed on failure), a SIP OPTIONS readiness
probe and raw SIP sends, sipp scenarios (templates filled in, stats/errors/messages captured),
baresip instances with generated config directories, tones made with sox, tone checks
(BUILD/tone-check, cross-checked by a Goertzel filter written here), CDR reads from SQLite
and a deadline-based wait_until().

Everything listens on 127.0.0.0/8 only. Every process a test starts is stopped by its PID.
Tests may run concurrently (ctest -j): each test process takes a port slot (see "ports"), so
two tests never pick the same port.
"""

import argparse
import atexit
import fcntl
import glob
import hashlib
import math
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")
LOCAL_IP = "127.0.0.1"
TRUNK_IP = "127.0.0.2"
USERS = {str(n): "demo%d" % n for n in range(1001, 1011)}


class TestError(Exception):
    """A failure that stops the test (a precondition could not be met)."""


# ----------------------------------------------------------------------------- waiting


def wait_until(condition, timeout, interval=0.05, what=None):
    """Polls condition() until it returns a truthy value (returned) or the deadline passes.

    Returns the last (falsy) value on timeout, or raises TestError if `what` is given."""
    deadline = time.monotonic() + timeout
    value = None
    while True:
        try:
            value = condition()
        except Exception:  # a condition that cannot be evaluated yet counts as false
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            if what:
                raise TestError("timed out after %.1fs waiting for %s" % (timeout, what))
            return value
        time.sleep(interval)


# ----------------------------------------------------------------------------- ports
#
# Signalling ports (hotline SIP/HTTP, sipp, baresip) come from 10000-19999, RTP port blocks
# from 20000-32699 (all below the kernel's ephemeral range). ctest runs the integration tests
# concurrently, so each test process first takes one of PORT_SLOTS slots (an exclusive flock on
# a lock file in the temp dir, released by the kernel when the process ends) and picks its
# ports only from that slot's share of both ranges. Concurrent tests therefore never pick the
# same port, not even one the other released a moment ago (late RTP from one test's peers
# cannot reach another test's hotline). Every port is still checked free before use (other
# programs), and the callers retry with new ports when a bind fails anyway. With every slot
# taken (more than PORT_SLOTS concurrent tests on the machine) a test picks from the whole
# ranges, as if alone.

SIGNAL_RANGE = (10000, 19999)
RTP_RANGE = (20000, 32699)
PORT_SLOTS = 6

_taken = set()
_slot = None  # (index, lock file) once taken


def _port_slot():
    """Index of this process's port slot (taken on first use), or None if all are busy."""
    global _slot
    if _slot is None:
        lock_dir = os.path.join(tempfile.gettempdir(), "hotline-it-port-slots")
        _slot = (None, None)
        for i in range(PORT_SLOTS):
            try:
                os.makedirs(lock_dir, exist_ok=True)
                f = open(os.path.join(lock_dir, "slot-%d.lock" % i), "a")
            except OSError:
                continue
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                f.close()
                continue
            _slot = (i, f)  # the file stays open (and locked) until the process exits
            break
        if _slot[0] is None:
            print("[harness] all %d port slots are taken; picking ports from the whole ranges" % PORT_SLOTS)
    return _slot[0]


def _slot_range(full):
    """(low, high) of this process's share of the port range `full`."""
    slot = _port_slot()
    if slot is None:
        return full
    size = (full[1] - full[0] + 1) // PORT_SLOTS
    low = full[0] + slot * size
    return low, low + size - 1


def _udp_tcp_free(ip, port, tcp=True):
    socks = []
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        socks.append(s)
        s.bind((ip, port))
        if tcp:
            s2 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s2)
            s2.bind((ip, port))
        return True
    except OSError:
        return False
    finally:
        for s in socks:
            s.close()


def free_port(ip=LOCAL_IP, tcp=True, span=1):
    """A port of this test's slot, free for UDP (and TCP) on ip; with span=N the N-1 ports
    after it too (baresip also listens for SIP/TLS on its SIP port + 1)."""
    low, high = _slot_range(SIGNAL_RANGE)
    for _ in range(500):
        port = random.randint(low, high - span + 1)
        ports = range(port, port + span)
        if any(p in _taken for p in ports):
            continue
        if all(_udp_tcp_free(ip, p, tcp) and _udp_tcp_free("127.0.0.2", p, tcp) for p in ports):
            _taken.update(ports)
            return port
    raise TestError("no free port found")


def free_port_block(size, ip=LOCAL_IP):
    """(low, high): an even-aligned block of `size` UDP ports of this test's slot, all free
    right now."""
    first, last = _slot_range(RTP_RANGE)
    for _ in range(200):
        low = random.randint((first + 1) // 2, (last - size + 1) // 2) * 2  # even
        high = low + size - 1
        if any(p in _taken for p in range(low, high + 1)):
            continue
        if all(_udp_tcp_free(ip, p, tcp=False) for p in range(low, high + 1, 2)):
            _taken.update(range(low, high + 1))
            return low, high
    raise TestError("no free port block of %d" % size)


# ----------------------------------------------------------------------------- raw SIP


def sip_request(method, port, host=LOCAL_IP, transport="udp", headers=None, body="",
                uri=None, local_ip=LOCAL_IP, call_id=None):
    """Builds a complete SIP request as bytes. `headers` (list of (name, value)) are added or
    replace the defaults; a value of None removes that header."""
    tr = "TCP" if transport == "tcp" else "UDP"
    call_id = call_id or uuid.uuid4().hex
    base = [
        ("Via", "SIP/2.0/%s %s:5999;branch=z9hG4bK%s;rport" % (tr, local_ip, uuid.uuid4().hex[:16])),
        ("Max-Forwards", "70"),
        ("From", "<sip:probe@%s>;tag=%s" % (local_ip, uuid.uuid4().hex[:8])),
        ("To", "<sip:%s@%s:%d>" % ("hotline" if method == "OPTIONS" else "1001", host, port)),
        ("Call-ID", call_id),
        ("CSeq", "1 %s" % method),
        ("Contact", "<sip:probe@%s:5999>" % local_ip),
        ("User-Agent", "hotline-it"),
    ]
    for name, value in headers or []:
        base = [(n, v) for (n, v) in base if n.lower() != name.lower()]
        if value is not None:
            base.append((name, value))
    if isinstance(body, str):
        body = body.encode()
    lines = ["%s %s SIP/2.0" % (method, uri or "sip:%s:%d" % (host, port))]
    lines += ["%s: %s" % (n, v) for n, v in base]
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def send_udp(data, port, host=LOCAL_IP, wait=2.0, local_ip=LOCAL_IP):
    """Sends one datagram, returns the list of datagrams received within `wait` seconds
    (stops early at the first final response)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((local_ip, 0))
        s.sendto(data, (host, port))
        return _collect(lambda: s.recv(65535), s, wait)
    finally:
        s.close()


def send_tcp(data, port, host=LOCAL_IP, wait=2.0):
    """Sends data on a new TCP connection; returns what came back (split into messages
    naively), [] if the server closed the connection or said nothing."""
    s = socket.create_connection((host, port), timeout=wait)
    try:
        try:
            s.sendall(data)
        except OSError:
            return []
        buf = b""
        out = _collect(lambda: s.recv(65535), s, wait)
        for chunk in out:
            buf += chunk
        return [m for m in re.split(rb"(?=SIP/2\.0 \d{3} )", buf) if m] if buf else []
    finally:
        s.close()


def _collect(recv, sock, wait):
    out = []
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            d = recv()
        except (socket.timeout, ConnectionResetError, OSError):
            break
        if not d:
            break
        out.append(d)
        if status_of(d) and status_of(d) >= 200:
            break
    return out


def status_of(message):
    m = re.match(rb"SIP/2\.0 (\d{3})", message or b"")
    return int(m.group(1)) if m else None


def options(port, host=LOCAL_IP, transport="udp", wait=1.0):
    """Status code of an OPTIONS answer, or None."""
    data = sip_request("OPTIONS", port, host, transport)
    try:
        replies = send_udp(data, port, host, wait) if transport == "udp" else send_tcp(data, port, host, wait)
    except OSError:
        return None
    finals = [status_of(r) for r in replies if status_of(r) and status_of(r) >= 200]
    return finals[0] if finals else None


def digest_response(user, password, realm, nonce, method, uri, nc=None, cnonce=None):
    """RFC 2617 request-digest: with qop=auth when nc/cnonce are given (what Hotline requires),
    else the RFC 2069 form (which Hotline refuses)."""
    ha1 = hashlib.md5(("%s:%s:%s" % (user, realm, password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    if nc is None:
        return hashlib.md5(("%s:%s:%s" % (ha1, nonce, ha2)).encode()).hexdigest()
    return hashlib.md5(("%s:%s:%08x:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2)).encode()).hexdigest()


def digest_authorization(user, password, challenge, method, uri, nc=1, cnonce="0a4f113b"):
    """An (Proxy-)Authorization value answering a WWW-/Proxy-Authenticate challenge with
    qop=auth and nonce-count nc, as a phone does."""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    realm, nonce = params.get("realm", "hotline"), params.get("nonce", "")
    response = digest_response(user, password, realm, nonce, method, uri, nc, cnonce)
    value = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
             'algorithm=MD5, qop=auth, nc=%08x, cnonce="%s"'
             % (user, realm, nonce, uri, response, nc, cnonce))
    if "opaque" in params:
        value += ', opaque="%s"' % params["opaque"]
    return value


# ----------------------------------------------------------------------------- audio


def sox(*args):
    subprocess.run(["sox"] + [str(a) for a in args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_tone(path, freq, seconds, ulaw=False, volume=0.5):
    """8 kHz mono sine: 16-bit PCM (baresip aufile) or u-law (sipp rtp_stream)."""
    enc = ["-e", "u-law"] if ulaw else ["-b", "16"]
    sox("-n", "-r", 8000, "-c", 1, *enc, path, "synth", seconds, "sine", freq, "vol", volume)
    return path


DTMF_FREQS = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
    "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
}


def make_dtmf_wav(path, digits, tone_ms=150, gap_ms=150, lead_ms=500, ulaw=True):
    """In-band DTMF (two mixed sines per digit, silence between) as 8 kHz mono WAV."""
    work = path + ".parts"
    os.makedirs(work, exist_ok=True)
    enc = ["-e", "u-law"] if ulaw else ["-b", "16"]
    parts = []
    sil = os.path.join(work, "gap.wav")
    sox("-n", "-r", 8000, "-c", 1, "-b", 16, sil, "trim", 0, gap_ms / 1000.0)
    lead = os.path.join(work, "lead.wav")
    sox("-n", "-r", 8000, "-c", 1, "-b", 16, lead, "trim", 0, lead_ms / 1000.0)
    parts.append(lead)
    for i, d in enumerate(digits):
        lo, hi = DTMF_FREQS[d]
        a, b, m = (os.path.join(work, "%d_%s.wav" % (i, x)) for x in ("lo", "hi", "mix"))
        sox("-n", "-r", 8000, "-c", 1, "-b", 16, a, "synth", tone_ms / 1000.0, "sine", lo, "vol", 0.35)
        sox("-n", "-r", 8000, "-c", 1, "-b", 16, b, "synth", tone_ms / 1000.0, "sine", hi, "vol", 0.35)
        sox("-m", a, b, m)
        parts += [m, sil]
    parts.append(lead)
    sox(*parts, "-r", 8000, "-c", 1, *enc, path)
    shutil.rmtree(work, ignore_errors=True)
    return path


def wav_samples(path, channel=0, skip_ms=0):
    """Samples (floats in [-1, 1]) of one channel of any WAV sox reads, resampled to 8 kHz."""
    info = subprocess.run(["soxi", "-c", path], capture_output=True, text=True)
    nch = int(info.stdout.strip() or "1")
    if channel >= nch:
        raise TestError("%s has %d channel(s), channel %d asked" % (path, nch, channel))
    raw = subprocess.run(["sox", path, "-t", "raw", "-e", "signed", "-b", "16", "-r", "8000",
                          "-c", "1", "-", "remix", str(channel + 1)],
                         capture_output=True, check=True).stdout
    n = len(raw) // 2
    samples = struct.unpack("<%dh" % n, raw[: n * 2])
    skip = int(8000 * skip_ms / 1000)
    return [s / 32768.0 for s in samples[skip:]], 8000


def goertzel_power(samples, rate, freq):
    k = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    return s1 * s1 + s2 * s2 - k * s1 * s2


def goertzel_ratio(path, freq, channel=0, skip_ms=0, max_seconds=8):
    """Share of the signal's energy at `freq` (Goertzel over 100 ms blocks): about 1.0 for a
    pure tone, 0.5 for each tone of a two-tone mix, ~0 when the tone is absent (including for
    silence). mu-law distortion products stay far below 0.01."""
    samples, rate = wav_samples(path, channel, skip_ms)
    samples = samples[: rate * max_seconds]
    block = rate // 10
    tone = energy = 0.0
    for i in range(0, len(samples) - block + 1, block):
        b = samples[i: i + block]
        tone += 2.0 * goertzel_power(b, rate, freq) / (block * block)
        energy += sum(x * x for x in b) / block
    if energy < 1e-7 * max(1, len(samples) // block):  # digital silence
        return 0.0
    return tone / energy


PRESENT, ABSENT = 0.2, 0.01


# ----------------------------------------------------------------------------- SQLite


def db_rows(path, sql, params=()):
    """Rows as dicts, read-only; [] if the database or table does not exist yet."""
    if not os.path.exists(path):
        return []
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=5)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql, params).fetchall()]
    except sqlite3.OperationalError as e:
        if "no such table" in str(e) or "locked" in str(e):
            return []
        raise
    finally:
        con.close()


# ----------------------------------------------------------------------------- processes


class Proc:
    """A child process in its own session, with output to a file, stopped by PID."""

    def __init__(self, test, name, argv, log_path, cwd=None, stdin=subprocess.DEVNULL, env=None):
        self.test, self.name, self.argv, self.log_path = test, name, argv, log_path
        self.log = open(log_path, "ab")
        self.log.write(("# %s\n" % " ".join(argv)).encode())
        self.log.flush()
        self.p = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, cwd=cwd,
                                  stdin=stdin, start_new_session=True, env=env)
        self.pid = self.p.pid
        test._procs.append(self)

    def alive(self):
        return self.p.poll() is None

    def wait(self, timeout):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def send_signal(self, sig):
        if self.alive():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout=5, sig=signal.SIGTERM):
        """SIGTERM, wait, SIGKILL if needed. Returns the exit code."""
        if self.alive():
            self.send_signal(sig)
            if self.wait(timeout) is None:
                self.send_signal(signal.SIGKILL)
                self.wait(5)
        self.log.close()
        return self.p.returncode

    def output(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def tail(text, n=60):
    return "\n".join(text.splitlines()[-n:])


# ----------------------------------------------------------------------------- HTTP


def http_request(port, method, path, body=None, headers=None, timeout=10, host=LOCAL_IP):
    """One HTTP request on a new connection: (status, {lower-case header: value}, body
    bytes); (None, {}, b"") if the connection fails. dict/list bodies are sent as JSON."""
    import http.client
    import json
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    except (OSError, http.client.HTTPException):
        return None, {}, b""
    finally:
        conn.close()


# ----------------------------------------------------------------------------- hotline


def yaml_str(s):
    return '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"')


def config_yaml(users=None, entry_numbers=("600", "601"), trunks=(), dial_plan=None,
                extra=None, raw=""):
    """The YAML text of a test configuration. Ports/paths come from the command line.
    trunks: (name, address) or (name, address, port); raw: YAML appended as is (queues...)."""
    users = USERS if users is None else users
    if dial_plan is None:
        dial_plan = [
            {"number": "600", "action": "echo"},
            {"number": "601", "action": "digits_readback", "language": "en",
             "prompt": "Please enter some digits, then press the pound key."},
        ]
    out = ["# generated by tests/integration/harness.py"]
    settings = {"realm": "hotline", "log_level": "debug", "record_calls": "true"}
    settings.update(extra or {})
    for k, v in settings.items():
        out.append("%s: %s" % (k, v if isinstance(v, (int, float)) or v in ("true", "false") else yaml_str(v)))
    out.append("users:")
    for number, password in users.items():
        out += ["  - number: %s" % yaml_str(number), "    password: %s" % yaml_str(password),
                "    name: %s" % yaml_str("User " + number)]
    if trunks:
        out.append("trunks:")
        for trunk in trunks:
            out += ["  - name: %s" % yaml_str(trunk[0]), "    address: %s" % yaml_str(trunk[1])]
            if len(trunk) > 2:
                out.append("    port: %d" % trunk[2])
    out.append("entry_numbers: [%s]" % ", ".join(yaml_str(n) for n in entry_numbers))
    out.append("dial_plan:")
    for e in dial_plan:
        first = True
        for k, v in e.items():
            out.append("%s%s: %s" % ("  - " if first else "    ", k, yaml_str(v)))
            first = False
    return "\n".join(out) + "\n" + raw


class Hotline:
    def __init__(self, test, config_text, name="hotline"):
        self.test = test
        self.name = name
        self.dir = os.path.join(test.dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.config_path = os.path.join(self.dir, "config.yaml")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.data_dir = os.path.join(self.dir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.sip_port = free_port()
        self.http_port = free_port()
        self.rtp = free_port_block(400)
        self.log_path = os.path.join(self.dir, "hotline.log")
        self.proc = None
        self.runs = 0
        self.expected_exit = False

    @property
    def db(self):
        return os.path.join(self.data_dir, "hotline.db")

    def argv(self):
        return [self.test.hotline_bin, "--config", self.config_path, "--listen", LOCAL_IP,
                "--sip-port", str(self.sip_port), "--rtp-ports", "%d-%d" % self.rtp,
                "--http-port", str(self.http_port), "--data-dir", self.data_dir]

    def start(self, ready_timeout=20):
        self.runs += 1
        self.expected_exit = False
        self.log_mark = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        for attempt in range(3):
            self.proc = Proc(self.test, self.name, self.argv(), self.log_path)
            print("[harness] started %s pid %d (sip %d, rtp %d-%d, data %s)"
                  % (self.name, self.proc.pid, self.sip_port, self.rtp[0], self.rtp[1], self.data_dir))
            wait_until(lambda: not self.proc.alive() or options(self.sip_port, wait=0.3) == 200,
                       ready_timeout, interval=0.1)
            # A port taken by another process between our check and hotline's bind: new ports.
            if self.proc.alive() or not re.search(r"in use|bind", self.log_since_start(), re.I) or attempt == 2:
                break
            print("[harness] %s could not bind its ports; retrying with new ones" % self.name)
            self.sip_port, self.http_port, self.rtp = free_port(), free_port(), free_port_block(400)
            self.log_mark = os.path.getsize(self.log_path)
        self.wait_ready(1)
        return self

    def wait_ready(self, timeout=20):
        ok = wait_until(lambda: not self.proc.alive() or options(self.sip_port, wait=0.3) == 200,
                        timeout, interval=0.1)
        if not self.proc.alive() or not ok:
            self.test.fatal("%s not ready (alive=%s) after %ss\n--- log tail ---\n%s"
                            % (self.name, self.proc.alive(), timeout, tail(self.log())))

    def wait_http(self, timeout=20):
        """Waits until the HTTP API answers GET /healthz (it seeds console users first)."""
        ok = wait_until(lambda: not self.proc.alive() or
                        http_request(self.http_port, "GET", "/healthz", timeout=1)[0] == 200,
                        timeout, interval=0.1)
        if not self.proc.alive() or not ok:
            self.test.fatal("%s: HTTP API not answering on port %d after %ss\n--- log tail ---\n%s"
                            % (self.name, self.http_port, timeout, tail(self.log())))
        return self

    def http(self, method, path, body=None, token=None, headers=None, timeout=10):
        """(status, headers dict with lower-case names, body bytes) of one API request; a
        dict/list body is sent as JSON."""
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = "Bearer " + token
        return http_request(self.http_port, method, path, body, hdrs, timeout)

    def log(self):
        return self.proc.output() if self.proc else ""

    def log_since_start(self):
        with open(self.log_path, "r", errors="replace") as f:
            f.seek(self.log_mark)
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def options(self, transport="udp"):
        return options(self.sip_port, transport=transport)

    def stop(self, timeout=10):
        """SIGTERM, wait; returns the exit code (fails the test on a crash/timeout)."""
        if not self.proc:
            return None
        if not self.proc.alive():
            rc = self.proc.p.returncode
        else:
            t0 = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            rc = self.proc.wait(timeout)
            if rc is None:
                self.test.check(False, "%s exits within %ss of SIGTERM" % (self.name, timeout))
                self.proc.stop(1, signal.SIGKILL)
                rc = self.proc.p.returncode
            else:
                print("[harness] %s exited %s after SIGTERM in %.2fs" % (self.name, rc, time.monotonic() - t0))
        self.expected_exit = True
        self.proc.log.close()
        return rc

    def kill(self):
        self.expected_exit = True
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def calls(self, where="1=1", params=()):
        return db_rows(self.db, "SELECT * FROM calls WHERE %s ORDER BY start_ms, rowid" % where, params)

    def wait_answered(self, timeout=10, what="a call to be answered"):
        """The open CDR row of an answered call (fails the test on timeout)."""
        rows = wait_until(lambda: self.calls("state = 'open' AND answer_time IS NOT NULL"), timeout)
        if not rows:
            self.test.fatal("timed out waiting for %s; rows: %s" % (what, self.calls()))
        return rows[-1]

    def wait_call_closed(self, sip_call_id=None, to_number=None, timeout=10, from_number=None):
        """The closed CDR row for a call (by SIP Call-ID or dialled/calling number), or fail."""
        def find():
            rows = self.calls()
            if sip_call_id:
                rows = [r for r in rows if r.get("sip_call_id") == sip_call_id]
            if to_number:
                rows = [r for r in rows if str(r.get("to_number")) == str(to_number)]
            if from_number:
                rows = [r for r in rows if str(r.get("from_number")) == str(from_number)]
            closed = [r for r in rows if r.get("state") == "closed"]
            return closed[-1] if closed else None
        row = wait_until(find, timeout)
        if not row:
            self.test.check(False, "CDR row closed (call-id %s, from %s, to %s)" % (sip_call_id, from_number, to_number),
                            "rows now: %s" % self.calls())
        return row


# ----------------------------------------------------------------------------- sipp

# For load benchmarks that register many users from one address: the per-source SIP request
# limit (sip_security.rate_per_source, a flood defence) is off.
BENCH_SIP_SECURITY = "sip_security:\n  rate_per_source: 0\n"

DEFAULT_SUBS = {
    "FROM": "1001",
    "FROM_DISPLAY": "",  # e.g. '"Alice Zhang" ' (with the space)
    "PAYLOADS": "0 101",
    "RTPMAP": "      a=rtpmap:0 PCMU/8000\n      a=rtpmap:101 telephone-event/8000\n      a=fmtp:101 0-15",
    "MEDIA": "",
    "ENDING": "BYE",
    "EXPIRES": "120",
    "CONTACT_EXTRA": "",
    "RING_MS": "500",
    "STATUS": "200",
    "REASON": "OK",
    "TIMEOUT_MS": "30000",
}

# Snippets usable as @ENDING@ (by name) or @MEDIA@.
SNIPPETS = {
    # UAC: we hang up.
    "BYE": """
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:@FROM@@[remote_ip]>;tag=[pid]uac[call_number]
      To:[$to]
      [routes]
      Call-ID: [call_id]
      CSeq: 30 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
""",
    # UAC: the far end hangs up.
    "WAIT_BYE": """
  <recv request="BYE" timeout="@TIMEOUT_MS@" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
""",
    # UAS: the caller hangs up.
    "UAS_WAIT_BYE": """
  <recv request="BYE" timeout="@TIMEOUT_MS@" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
""",
    # UAS: we hang up (the caller of our INVITE was hotline).
    "UAS_BYE": """
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From:[$to];tag=[pid]uas[call_number]
      To:[$from]
      Call-ID: [call_id]
      CSeq: 30 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
""",
}


def media_stream(wav, ms, loops=-1):
    """@MEDIA@: stream a u-law WAV for `ms` milliseconds, then stop."""
    return ('  <nop><action><exec rtp_stream="%s,%d,0"/></action></nop>\n'
            '  <pause milliseconds="%d"/>\n'
            '  <nop><action><exec rtp_stream="pause"/></action></nop>\n' % (wav, loops, ms))


def media_stream_start(wav, loops=-1):
    """@MEDIA@: start streaming a u-law WAV and go on (it stops when the call ends)."""
    return '  <nop><action><exec rtp_stream="%s,%d,0"/></action></nop>\n' % (wav, loops)


def media_pause(ms):
    return '  <pause milliseconds="%d"/>\n' % ms


def media_rfc4733(digits, gap_ms=700, lead_ms=1500, tail_ms=0):
    """@MEDIA@: RFC 4733 events from sipp's bundled pcaps (payload type 101)."""
    names = {"*": "star", "#": "pound"}
    out = [media_pause(lead_ms)]
    for d in digits:
        out.append('  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_%s.pcap"/>'
                   '</action></nop>\n' % names.get(d, d))
        out.append(media_pause(gap_ms))
    if tail_ms:
        out.append(media_pause(tail_ms))
    return "".join(out)


def media_info(digits, content_type="application/dtmf-relay", gap_ms=400, lead_ms=1500, first_cseq=10):
    """@MEDIA@: one SIP INFO per digit."""
    out = [media_pause(lead_ms)]
    for i, d in enumerate(digits):
        body = "Signal=%s\r\nDuration=160\r\n" % d if content_type == "application/dtmf-relay" else d
        body = body.replace("\r\n", "\n")  # sipp turns scenario newlines into CRLF
        out.append("""
  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:@FROM@@[remote_ip]>;tag=[pid]uac[call_number]
      To:[$to]
      [routes]
      Call-ID: [call_id]
      CSeq: %d INFO
      Max-Forwards: 70
      Content-Type: %s
      Content-Length: [len]

%s
    ]]>
  </send>
  <recv response="200" crlf="true"/>
""" % (first_cseq + i, content_type, body.rstrip("\n")))
        out.append(media_pause(gap_ms))
    return "".join(out)


class SippResult:
    def __init__(self, rc, stats, errors, messages, screen):
        self.rc, self.stats, self.errors, self.messages, self.screen = rc, stats, errors, messages, screen

    def stat(self, name, default=0):
        v = self.stats.get(name)
        try:
            return int(v)
        except (TypeError, ValueError):
            return default

    @property
    def successful(self):
        return self.stat("SuccessfulCall(C)")

    @property
    def failed(self):
        return self.stat("FailedCall(C)")

    def summary(self):
        return "rc=%s successful=%s failed=%s" % (self.rc, self.successful, self.failed)

    def detail(self):
        return "%s\n--- sipp errors ---\n%s\n--- sipp messages (tail) ---\n%s\n--- sipp screen (tail) ---\n%s" % (
            self.summary(), tail(self.errors, 40), tail(self.messages, 80), tail(self.screen, 30))


class Sipp:
    """One sipp run of a scenario template from tests/integration/scenarios/."""

    def __init__(self, test, scenario, service, remote_port, remote_ip=LOCAL_IP, local_ip=LOCAL_IP,
                 local_port=None, media_port=None, transport="u1", user=None, password=None,
                 subs=None, calls=1, rate=None, limit=None, timeout_s=60, extra=(), name=None,
                 trace_msg=True):
        self.test = test
        test._sipp_n += 1
        self.name = name or "sipp%d_%s" % (test._sipp_n, os.path.splitext(scenario)[0])
        self.dir = os.path.join(test.dir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        subs = dict(DEFAULT_SUBS, **(subs or {}))
        self.scenario_path = os.path.join(self.dir, scenario)
        fill_template(os.path.join(SCENARIOS, scenario), self.scenario_path, subs)
        self.local_ip = local_ip
        self.fixed_port = bool(local_port)
        self.local_port = local_port or free_port(local_ip)
        self.media_port = media_port or free_port_block(4, local_ip)[0]
        self.stats_path = os.path.join(self.dir, "stats.csv")
        self.err_path = os.path.join(self.dir, "errors.log")
        self.msg_path = os.path.join(self.dir, "messages.log")
        self.screen_path = os.path.join(self.dir, "screen.log")
        argv = ["sipp", "%s:%d" % (remote_ip, remote_port), "-sf", self.scenario_path,
                "-s", service, "-i", local_ip, "-p", str(self.local_port), "-mi", local_ip,
                "-mp", str(self.media_port), "-t", transport, "-m", str(calls), "-nostdin",
                "-trace_stat", "-stf", self.stats_path, "-fd", "1",
                "-trace_err", "-error_file", self.err_path,
                "-timeout", "%ds" % timeout_s, "-timeout_error", "-aa", "-max_socket", "2048"]
        if trace_msg:
            argv += ["-trace_msg", "-message_file", self.msg_path]
        if local_ip != LOCAL_IP:
            argv += ["-bind_local"]
        if user:
            argv += ["-au", user, "-ap", password if password is not None else USERS.get(user, "")]
        if rate:
            argv += ["-r", str(rate)]
        if limit:
            argv += ["-l", str(limit)]
        argv += list(extra)
        self.argv = argv
        self.timeout_s = timeout_s
        self.proc = None

    def start(self):
        """Starts sipp. Another process may grab a port between our check and sipp's bind (tests
        run in parallel builds too): then sipp exits at once with "Unable to bind", and we pick
        new ports and start again (the SIP port only if the caller did not fix it)."""
        for attempt in range(4):
            self.proc = Proc(self.test, self.name, self.argv, self.screen_path, cwd=self.dir)
            wait_until(lambda: not self.proc.alive() or not _udp_tcp_free(self.local_ip, self.local_port, tcp=False),
                       3, interval=0.02)
            if self.proc.alive() or "Unable to bind" not in _read(self.err_path) + self.proc.output():
                return self
            self.proc.wait(2)
            print("[harness] %s could not bind its ports (%d/%d); retrying with new ones"
                  % (self.name, self.local_port, self.media_port))
            for path in (self.err_path, self.stats_path):
                if os.path.exists(path):
                    os.remove(path)
            new_media = free_port_block(4, self.local_ip)[0]
            self._replace_arg("-mp", str(self.media_port), str(new_media))
            self.media_port = new_media
            if not self.fixed_port:
                new_port = free_port(self.local_ip)
                self._replace_arg("-p", str(self.local_port), str(new_port))
                self.local_port = new_port
        return self

    def _replace_arg(self, flag, old, new):
        i = self.argv.index(flag)
        assert self.argv[i + 1] == old
        self.argv[i + 1] = new

    def wait(self, timeout=None):
        rc = self.proc.wait(timeout or self.timeout_s + 15)
        if rc is None:
            self.proc.stop(3)
            rc = "timeout"
        return self.result(rc)

    def run(self, timeout=None):
        return self.start().wait(timeout)

    def stop(self):
        rc = self.proc.stop(3)
        return self.result(rc)

    def result(self, rc):
        return SippResult(rc, read_sipp_stats(self.stats_path), _read(self.err_path),
                          _read(self.msg_path), _read(self.screen_path))

    def call_ids(self):
        """Call-IDs sipp sent (from the message trace)."""
        return sorted(set(re.findall(r"^Call-ID: *(\S+)", _read(self.msg_path), re.M)))


def _read(path):
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def fill_template(src, dst, subs):
    with open(src) as f:
        text = f.read()
    # Snippet names in @ENDING@/@MEDIA@ expand first (they may contain @FROM@ etc.).
    for key in ("ENDING", "MEDIA"):
        v = subs.get(key, "")
        if v in SNIPPETS:
            subs = dict(subs, **{key: SNIPPETS[v]})
    for _ in range(3):
        for k, v in subs.items():
            text = text.replace("@%s@" % k, str(v))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise TestError("%s: template fields not filled: %s" % (src, sorted(set(left))))
    with open(dst, "w") as f:
        f.write(text)
    return dst


def read_sipp_stats(path):
    """Last row of a sipp -trace_stat CSV as a dict."""
    text = _read(path).strip().splitlines()
    if len(text) < 2:
        return {}
    head = text[0].split(";")
    row = text[-1].split(";")
    return dict(zip(head, row))


def sipp_register(test, hotline, user, password=None, expires=120, local_port=None,
                  transport="u1", scenario="register.xml", local_ip=LOCAL_IP, name=None):
    s = Sipp(test, scenario, user, hotline.sip_port, local_port=local_port, transport=transport,
             user=user, password=password if password is not None else USERS[user],
             subs={"EXPIRES": expires}, timeout_s=15, local_ip=local_ip, name=name)
    return s, s.run()


def sipp_callee(test, hotline, user, scenario="uas_answer.xml", subs=None, timeout_s=60, calls=1,
                extra=(), local_ip=LOCAL_IP):
    """A sipp UAS answering for `user`: REGISTER from port P (sipp exits), then the answering
    scenario bound to P. Returns the started Sipp (fails the test if registration fails)."""
    # One contact per user and test: reuse the port so that old bindings are refreshed, not
    # left behind pointing at sipp processes that have exited.
    key = (id(hotline), user, local_ip)
    reg, r = sipp_register(test, hotline, user, local_ip=local_ip, local_port=test._callee_ports.get(key),
                           name="reg_%s_%d" % (user, test._sipp_n + 1))
    test._callee_ports[key] = reg.local_port
    if r.rc != 0:
        test.fatal("could not register %s for a sipp callee: %s" % (user, r.detail()))
    uas = Sipp(test, scenario, user, hotline.sip_port, local_port=reg.local_port, subs=subs,
               timeout_s=timeout_s, calls=calls, extra=extra, local_ip=local_ip)
    uas.start()
    wait_bound(uas)
    return uas


def wait_bound(sipp, timeout=5):
    """Waits until a started sipp has bound its SIP port (so an INVITE to it is not lost)."""
    wait_until(lambda: not _udp_tcp_free(sipp.local_ip, sipp.local_port, tcp=False) or not sipp.proc.alive(),
               timeout)
    return sipp


def sip_messages(messages_log):
    """Splits a sipp -trace_msg log into [(direction, text)] ('sent'/'received')."""
    out = []
    for block in re.split(r"\n(?=-{10,} )", messages_log):
        m = re.search(r"(UDP|TCP) message (sent|received)[^\n]*\n", block)
        if not m:
            continue
        out.append((m.group(2), block[m.end():].strip("\n").replace("\r", "")))
    return out


# ----------------------------------------------------------------------------- baresip

BARESIP_MODULES = ["stdio.so", "g711.so", "aufile.so", "aubridge.so", "sndfile.so"]


class Baresip:
    """A baresip instance with its own config directory, SIP port and RTP ports.

    account: the accounts line; use {sip_port} for hotline's port, e.g.
      "<sip:1001@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1001;regint=0;audio_codecs=PCMU"
    source_wav: 16-bit PCM 8 kHz WAV it sends; sndfile dumps what it sends/hears into its dir.
    """

    def __init__(self, test, name, account, source_wav, remote_port, commands=(), quit_after_s=30,
                 modules_extra=(), config_extra=""):
        self.test, self.name = test, name
        self.dir = os.path.join(test.dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.sip_port = free_port(span=2)  # SIP on UDP/TCP sip_port, SIP/TLS on sip_port + 1
        self.rtp = free_port_block(20)
        mods = "\n".join("module          %s" % m for m in BARESIP_MODULES + list(modules_extra))
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("""poll_method     epoll
sip_listen      127.0.0.1:%d
audio_player    aubridge,nil
audio_source    aufile,%s
audio_alert     aubridge,nil
module_path     /usr/lib/baresip/modules
%s
module_app      account.so
module_app      menu.so
snd_path        %s
rtp_ports       %d-%d
%s""" % (self.sip_port, source_wav, mods, self.dir, self.rtp[0], self.rtp[1], config_extra))
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(account.format(sip_port=remote_port) + "\n")
        argv = ["baresip", "-f", self.dir, "-t", str(int(quit_after_s))]
        for c in commands:
            argv += ["-e", c.format(sip_port=remote_port)]
        self.argv = argv
        self.proc = None

    def start(self):
        self.proc = Proc(self.test, self.name, self.argv, os.path.join(self.dir, "baresip.log"),
                         cwd=self.dir, stdin=subprocess.PIPE)
        return self

    def send(self, text):
        """Types text into baresip's stdio menu (e.g. DTMF digits during a call)."""
        self.proc.p.stdin.write(text.encode())
        self.proc.p.stdin.flush()

    def output(self):
        return self.proc.output() if self.proc else ""

    def wait(self, timeout):
        return self.proc.wait(timeout)

    def stop(self, timeout=5):
        return self.proc.stop(timeout) if self.proc else None

    def dumps(self, kind="dec"):
        return sorted(glob.glob(os.path.join(self.dir, "dump-*-%s.wav" % kind)))

    def registered(self):
        return re.search(r"200 OK|registered successfully|REGISTER.*200", self.output(), re.I) is not None


# ----------------------------------------------------------------------------- tone checks


def tone_present(test, path, freq, channel=0, skip_ms=500, label=None):
    """True if `freq` is present in the WAV (BUILD/tone-check decides when it exists; the
    Python Goertzel cross-checks and decides otherwise). Prints both verdicts."""
    label = label or "%s Hz in %s ch%d" % (freq, os.path.basename(path), channel)
    py_ratio = None
    try:
        py_ratio = goertzel_ratio(path, freq, channel, skip_ms)
    except Exception as e:
        print("[tone] python goertzel failed on %s: %s" % (path, e))
    py_ok = py_ratio is not None and py_ratio > PRESENT
    tool = os.path.join(test.build_dir, "tone-check")
    if os.access(tool, os.X_OK):
        r = subprocess.run([tool, path, str(freq), "--channel", str(channel), "--skip-ms", str(skip_ms)],
                           capture_output=True, text=True, timeout=60)
        tool_ok = r.returncode == 0
        print("[tone] %s: tone-check rc=%d %s | python ratio=%s"
              % (label, r.returncode, (r.stdout + r.stderr).strip().replace("\n", " "), _fmt(py_ratio)))
        if r.returncode not in (0, 1):
            print("[tone] WARNING tone-check failed to run properly (rc %d); using the Python check" % r.returncode)
            return py_ok
        if tool_ok != py_ok:
            print("[tone] WARNING tone-check and the Python Goertzel disagree on %s" % label)
        return tool_ok
    print("[tone] %s: python ratio=%s (no %s)" % (label, _fmt(py_ratio), tool))
    return py_ok


def tone_absent(test, path, freq, channel=0, skip_ms=500, label=None):
    """True if `freq` carries under 1% of the signal's energy (Python Goertzel; the
    tone-check tool answers "is it there", which is not the same as "is it clearly absent")."""
    label = label or "%s Hz in %s ch%d" % (freq, os.path.basename(path), channel)
    ratio = goertzel_ratio(path, freq, channel, skip_ms)
    print("[tone] %s: share of energy %.3g (absent below %g)" % (label, ratio, ABSENT))
    return ratio < ABSENT


def _fmt(x):
    return "n/a" if x is None else "%.3g" % x


# ----------------------------------------------------------------------------- test driver


class Test:
    def __init__(self, name):
        ap = argparse.ArgumentParser()
        ap.add_argument("--build-dir", required=True)
        ap.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(HERE)))
        ap.add_argument("--hotline", help="hotline binary (default BUILD/hotline)")
        ap.add_argument("--keep", action="store_true", help="keep the temp dir even on success")
        self.args = ap.parse_args()
        self.name = name
        self.build_dir = os.path.abspath(self.args.build_dir)
        self.source_dir = os.path.abspath(self.args.source_dir)
        self.hotline_bin = os.path.abspath(self.args.hotline or os.path.join(self.build_dir, "hotline"))
        self.dir = os.path.join(self.build_dir, "integration-tmp", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.failures = []
        self.checks = 0
        self._procs = []
        self._hotlines = []
        self._sipp_n = 0
        self._callee_ports = {}
        self._cleaned = False
        atexit.register(self.cleanup)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def check(self, cond, what, detail=""):
        self.checks += 1
        if cond:
            print("PASS %s" % what)
        else:
            print("FAIL %s" % what)
            if detail:
                print("     " + str(detail).replace("\n", "\n     "))
            self.failures.append(what)
        sys.stdout.flush()
        return bool(cond)

    def note(self, cond, what, detail=""):
        """A soft check: printed (NOTE) but does not fail the test."""
        print("%s %s" % ("PASS" if cond else "NOTE", what))
        if not cond and detail:
            print("     " + str(detail).replace("\n", "\n     "))
        return bool(cond)

    def fatal(self, message):
        raise TestError(message)

    def start_hotline(self, config_text=None, name="hotline", **config_kw):
        if not os.access(self.hotline_bin, os.X_OK):
            self.fatal("no hotline binary at %s (build it first)" % self.hotline_bin)
        hl = Hotline(self, config_text or config_yaml(**config_kw), name)
        self._hotlines.append(hl)
        return hl.start()

    def cleanup(self):
        if self._cleaned:
            return
        self._cleaned = True
        for hl in self._hotlines:
            if hl.proc and hl.proc.alive():
                rc = hl.stop()
                if rc not in (0, None):
                    self.check(False, "%s exits 0 on SIGTERM at the end of the test" % hl.name,
                               "exit code %s\n%s" % (rc, tail(hl.log())))
            elif hl.proc and not hl.expected_exit:
                rc = hl.proc.p.returncode
                self.check(False, "%s still running at the end of the test" % hl.name,
                           "it exited by itself with code %s\n--- log tail ---\n%s" % (rc, tail(hl.log())))
        for p in reversed(self._procs):
            if p.alive():
                p.stop(3)


def main(run, name=None):
    """Runs run(test); prints a verdict; exits 0 only if every check passed."""
    name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0]
    t = Test(name)
    print("== %s (temp dir %s)" % (name, t.dir))
    try:
        run(t)
    except TestError as e:
        t.failures.append(str(e).splitlines()[0])
        print("FATAL %s" % e)
    except Exception:
        t.failures.append("exception")
        traceback.print_exc()
    finally:
        t.cleanup()
    if t.failures:
        for hl in t._hotlines:
            print("--- %s log tail (%s) ---\n%s" % (hl.name, hl.log_path, tail(hl.log(), 80)))
        print("== %s: FAILED %d of %d checks: %s" % (name, len(t.failures), t.checks, "; ".join(t.failures)))
        print("   artifacts kept in %s" % t.dir)
        sys.stdout.flush()
        os._exit(1)
    print("== %s: all %d checks passed" % (name, t.checks))
    if not t.args.keep:
        shutil.rmtree(t.dir, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)
