#!/usr/bin/env python3
"""SIP call-load benchmark for Hotline (not a test). See README.md.

Starts hotline with N users + a trusted trunk (127.0.0.2), registers every user from one sipp
UAS (injection CSV, digest auth) which then answers all calls and echoes their RTP; a sipp UAC
on the trunk address calls the users at rate R = level / call-seconds with at most `level`
calls up, each call streaming a u-law tone for call-seconds. For each concurrency level:
calls attempted, failed %, hotline CPU seconds (utime+stime from /proc/PID/stat) and CPU
seconds per 1,000 call-minutes. Everything started is stopped by PID; the run is bounded.
"""
import argparse
import glob
import hashlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
import harness as H  # noqa: E402  (ports, config text, OPTIONS probe, sox, template filling)

PROCS = []


def start(argv, log, cwd=None):
    f = open(log, "ab")
    p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         cwd=cwd, start_new_session=True)
    PROCS.append(p)
    return p


def stop(p, timeout=10):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    return p.returncode


def stop_all():
    for p in reversed(PROCS):
        if p.poll() is None:
            stop(p, 5)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def sipp_stats(path):
    s = H.read_sipp_stats(path)
    get = lambda k: int(s.get(k, 0) or 0)  # noqa: E731
    return get("SuccessfulCall(C)"), get("FailedCall(C)"), get("OutgoingCall(C)") or get("TotalCallCreated")


def register_all(sip_port, users, contact_port, expires=3600):
    """REGISTERs every user (digest, qop=auth or none) from 127.0.0.1:contact_port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((H.LOCAL_IP, contact_port))
    sock.settimeout(2.0)
    ok, failures = 0, []

    def transact(data, branch):
        for _ in range(3):
            sock.sendto(data, (H.LOCAL_IP, sip_port))
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                try:
                    msg = sock.recv(65535)
                except socket.timeout:
                    break
                if branch.encode() in msg and (H.status_of(msg) or 0) >= 200:
                    return msg.decode(errors="replace")
        return ""

    try:
        for user, password in users.items():
            call_id = uuid.uuid4().hex
            uri = "sip:%s:%d" % (H.LOCAL_IP, sip_port)

            def request(cseq, auth=None):
                branch = "z9hG4bK" + uuid.uuid4().hex[:16]
                hdrs = [
                    ("Via", "SIP/2.0/UDP %s:%d;branch=%s;rport" % (H.LOCAL_IP, contact_port, branch)),
                    ("From", "<sip:%s@%s>;tag=%s" % (user, H.LOCAL_IP, call_id[:8])),
                    ("To", "<sip:%s@%s>" % (user, H.LOCAL_IP)),
                    ("Call-ID", call_id), ("CSeq", "%d REGISTER" % cseq),
                    ("Contact", "<sip:%s@%s:%d;transport=udp>" % (user, H.LOCAL_IP, contact_port)),
                    ("Expires", str(expires))]
                if auth:
                    hdrs.append(("Authorization", auth))
                return H.sip_request("REGISTER", sip_port, uri=uri, headers=hdrs), branch

            data, branch = request(1)
            first = transact(data, branch)
            m = re.search(r"^WWW-Authenticate: *Digest (.*)$", first, re.M | re.I)
            if H.status_of(first.encode()) != 401 or not m:
                failures.append("%s: %s" % (user, first.splitlines()[0] if first else "no answer"))
                continue
            params = dict(re.findall(r'(\w+)="?([^",]*)"?', m.group(1)))
            realm, nonce = params.get("realm", "hotline"), params.get("nonce", "")
            ha1 = hashlib.md5(("%s:%s:%s" % (user, realm, password)).encode()).hexdigest()
            ha2 = hashlib.md5(("REGISTER:%s" % uri).encode()).hexdigest()
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
            data, branch = request(2, auth)
            second = transact(data, branch)
            if H.status_of(second.encode()) == 200:
                ok += 1
            else:
                failures.append("%s: %s" % (user, second.splitlines()[0] if second else "no answer"))
    finally:
        sock.close()
    return ok, failures


def sample_recordings(db, first_id, count=3):
    """'k/n ok': of n recordings of the level (spread over it), how many have the caller's
    440 Hz tone on the left and its echo on the right (proves RTP flowed both ways)."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        paths = [r[0] for r in con.execute(
            "SELECT recording_path FROM calls WHERE rowid > ? AND recording_path IS NOT NULL ORDER BY rowid",
            (first_id,)).fetchall()]
    finally:
        con.close()
    if not paths:
        return "no recordings"
    picks = [paths[int(i * (len(paths) - 1) / max(1, count - 1))] for i in range(count)]
    good = 0
    for p in picks:
        try:
            if all(H.goertzel_ratio(p, 440, ch, skip_ms=2000, max_seconds=4) > H.PRESENT for ch in (0, 1)):
                good += 1
        except Exception as e:  # a missing or unreadable file counts as bad
            print("   (%s: %s)" % (p, e))
    return "%d/%d ok" % (good, len(picks))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--levels", default="100,250,500,750,1000", help="concurrency levels, comma separated")
    ap.add_argument("--users", type=int, default=1000, help="bench users 2000..2000+N-1")
    ap.add_argument("--call-seconds", type=float, default=30, help="length of each call")
    ap.add_argument("--level-seconds", type=float, default=0,
                    help="how long to keep placing calls per level (default: 2 x call-seconds)")
    ap.add_argument("--rate", type=float, default=0, help="calls/s (default: level / call-seconds)")
    ap.add_argument("--stop-above", type=float, default=5.0, help="stop stepping up when failed %% exceeds this")
    ap.add_argument("--max-minutes", type=float, default=30, help="hard bound on the whole run")
    ap.add_argument("--no-record", action="store_true", help="turn call recording off")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (recordings, logs, db)")
    ap.add_argument("--work-dir", default=None)
    a = ap.parse_args()

    deadline = time.monotonic() + a.max_minutes * 60
    hotline = os.path.abspath(os.path.join(a.build_dir, "hotline"))
    if not os.access(hotline, os.X_OK):
        sys.exit("no hotline binary at %s (build first: make build)" % hotline)
    levels = [int(x) for x in a.levels.split(",") if x.strip()]
    work = a.work_dir or tempfile.mkdtemp(prefix="hotline-sipload-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    print("work dir %s" % work)

    users = {str(2000 + i): "pw%d" % (2000 + i) for i in range(a.users)}
    with open(os.path.join(work, "users.csv"), "w") as f:
        f.write("SEQUENTIAL\n" + "".join("%s;%s\n" % (u, p) for u, p in users.items()))
    with open(os.path.join(work, "callees.csv"), "w") as f:
        f.write("SEQUENTIAL\n" + "".join("%s\n" % u for u in users))
    cfg = os.path.join(work, "config.yaml")
    with open(cfg, "w") as f:
        f.write(H.config_yaml(users=users, trunks=[("bench-trunk", H.TRUNK_IP)],
                              extra={"log_level": "warn", "record_calls": "false" if a.no_record else "true"},
                              raw=H.BENCH_SIP_SECURITY))
    sip_port = H.free_port()
    http_port = H.free_port()
    hl = start([hotline, "--config", cfg, "--listen", H.LOCAL_IP, "--sip-port", str(sip_port),
                "--rtp-ports", "20000-31999", "--http-port", str(http_port), "--data-dir", data],
               os.path.join(work, "hotline.log"))
    try:
        if not H.wait_until(lambda: hl.poll() is None and H.options(sip_port, wait=0.3) == 200, 20):
            sys.exit("hotline not ready; see %s/hotline.log" % work)
        print("hotline pid %d ready on %s:%d" % (hl.pid, H.LOCAL_IP, sip_port))

        # Register all users with Contact 127.0.0.1:P (sent from P), then answer on P.
        # (sipp 3.6.1 mangles the nested "[authentication username=[field0] password=[field1]]"
        # of an injection-file REGISTER, so registration is done here with the stdlib.)
        uas_port = H.free_port()
        t0 = time.monotonic()
        ok, failures = register_all(sip_port, users, uas_port)
        print("registered %d of %d users in %.1f s%s" % (ok, len(users), time.monotonic() - t0,
                                                        "" if not failures else "; first failure: %s" % failures[0]))
        if ok < len(users):
            print("not all users registered; calls to the others will fail")

        uas_xml = H.fill_template(os.path.join(HERE, "uas_echo.xml"), os.path.join(work, "uas_echo.xml"),
                                  {"BYE_TIMEOUT_MS": int((a.call_seconds + 120) * 1000)})
        uas = start(["sipp", "-sf", uas_xml, "-i", H.LOCAL_IP, "-p", str(uas_port), "-mi", H.LOCAL_IP,
                     "-mp", "40000", "-rtp_echo", "-nostdin", "-aa", "-max_socket", "65000",
                     "-trace_stat", "-stf", os.path.join(work, "uas.csv"), "-fd", "5",
                     "-trace_err", "-error_file", os.path.join(work, "uas_err.log")],
                    os.path.join(work, "uas.log"), cwd=work)
        H.wait_until(lambda: not H._udp_tcp_free(H.LOCAL_IP, uas_port, tcp=False), 5)

        wav = os.path.join(work, "tone.ulaw.wav")
        H.make_tone(wav, 440, 10, ulaw=True)
        uac_xml = H.fill_template(os.path.join(HERE, "uac_trunk.xml"), os.path.join(work, "uac_trunk.xml"),
                                  {"WAV": wav, "CALL_MS": int(a.call_seconds * 1000)})
        results = []
        mp = 50000
        for level in levels:
            rate = a.rate or level / a.call_seconds
            place_s = a.level_seconds or 2 * a.call_seconds
            total = max(1, int(round(rate * place_s)))
            budget = place_s + a.call_seconds + 60
            if time.monotonic() + budget > deadline:
                print("level %d skipped: would pass --max-minutes" % level)
                break
            first_id = (db_value(os.path.join(data, "hotline.db"), "SELECT COALESCE(MAX(rowid),0) FROM calls") or [0])[0]
            stf = os.path.join(work, "uac_%d.csv" % level)
            cpu0 = cpu_seconds(hl.pid)
            t0 = time.monotonic()
            print("level %d: %d calls at %.2f/s, %.0f s each ..." % (level, total, rate, a.call_seconds), flush=True)
            uac = start(["sipp", "%s:%d" % (H.LOCAL_IP, sip_port), "-sf", uac_xml, "-inf", os.path.join(work, "callees.csv"),
                         "-i", H.TRUNK_IP, "-bind_local", "-p", str(H.free_port(H.TRUNK_IP)), "-mi", H.TRUNK_IP,
                         "-mp", str(mp), "-r", "%g" % rate, "-rp", "1000", "-l", str(level), "-m", str(total),
                         "-nostdin", "-max_socket", "65000", "-timeout", "%ds" % int(budget), "-timeout_error",
                         "-trace_stat", "-stf", stf, "-fd", "5",
                         "-trace_err", "-error_file", os.path.join(work, "uac_%d_err.log" % level)],
                        os.path.join(work, "uac_%d.log" % level), cwd=work)
            try:
                uac.wait(budget + 30)
            except subprocess.TimeoutExpired:
                stop(uac)
            wall = time.monotonic() - t0
            alive = hl.poll() is None
            cpu = (cpu_seconds(hl.pid) - cpu0) if alive else float("nan")
            ok, failed, created = sipp_stats(stf)
            attempted = max(created, ok + failed)
            failed_pct = 100.0 * failed / attempted if attempted else 100.0
            row = db_value(os.path.join(data, "hotline.db"),
                           "SELECT COUNT(*), COALESCE(SUM(talk_ms),0) FROM calls WHERE rowid > ? AND disposition='answered'",
                           (first_id,)) or (0, 0)
            call_min = (row[1] / 60000.0) if row[1] else ok * a.call_seconds / 60.0
            per_k = cpu / call_min * 1000 if call_min else float("nan")
            res = dict(level=level, rate=rate, attempted=attempted, ok=ok, failed=failed, failed_pct=failed_pct,
                       cpu=cpu, call_min=call_min, per_k=per_k, wall=wall, cdr_answered=row[0], alive=alive)
            results.append(res)
            print("level %(level)5d  rate %(rate)6.2f/s  attempted %(attempted)6d  failed %(failed)5d (%(failed_pct).2f%%)  "
                  "cpu %(cpu)8.2f s  call-min %(call_min)8.1f  cpu s/1000 call-min %(per_k)8.2f  (cdr answered %(cdr_answered)d, %(wall).0f s)"
                  % res, flush=True)
            mp += 2 * level + 100
            if not a.no_record:
                res["media"] = sample_recordings(os.path.join(data, "hotline.db"), first_id)
                print("   media check (440 Hz on both channels of sampled recordings): %s" % res["media"], flush=True)
            if not a.no_record and not a.keep:
                for f in glob.glob(os.path.join(data, "recordings", "**", "*.wav"), recursive=True):
                    try:
                        os.remove(f)
                    except OSError:
                        pass
            if not alive:
                print("hotline died during level %d; see %s/hotline.log" % (level, work))
                break
            if failed_pct > a.stop_above:
                print("stopping: failed %.2f%% > %.2f%%" % (failed_pct, a.stop_above))
                break

        print()
        print("%6s %8s %9s %8s %8s %10s %12s %14s  %s" % ("level", "rate/s", "attempted", "failed", "failed%",
                                                         "cpu_s", "call_min", "cpu_s/1k_min", "media"))
        for r in results:
            print("%6d %8.2f %9d %8d %8.3f %10.2f %12.1f %14.2f  %s" % (
                r["level"], r["rate"], r["attempted"], r["failed"], r["failed_pct"], r["cpu"], r["call_min"],
                r["per_k"], r.get("media", "-")))
        held = [r["level"] for r in results if r["failed_pct"] < 0.1 and r["attempted"] > 0]
        print("highest level held with < 0.1%% failed calls: %s" % (max(held) if held else "none"))
        stop(uas)
        rc = stop(hl, 15)
        print("hotline exited %s" % rc)
    finally:
        stop_all()
        if not a.keep and not a.work_dir:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept %s" % work)


if __name__ == "__main__":
    main()
