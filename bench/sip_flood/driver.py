#!/usr/bin/env python3
"""SIP flood benchmark for Hotline (not a test; figures, nothing asserted). See README.md.

Starts hotline with its default SIP defences (sip_security: per-source request limit, failed
authentication throttling), N users and the echo test on 600. Then, twice — once quiet, once
while a scanner floods from 127.0.0.3 — the N legitimate users register from 127.0.0.1
(digest) and each calls 600 once. The scanner is sipp sending a REGISTER, an OPTIONS and an
INVITE per "call" at the highest rate sipp reaches (-r 50000 asked; the figure printed is what
it really sent). Printed: the scanner's message rate, the share of legitimate attempts served
(registrations + calls that succeeded / attempted; goal >= 99 %), their setup times, and
hotline's CPU while flooded.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sip_load"))
import driver as D  # noqa: E402  (bench/sip_load/driver.py: processes, CPU, sipp stats)

H = D.H
SCANNER_IP = "127.0.0.3"


def sipp(work, name, scenario, service, sip_port, local_ip, extra, log_suffix=""):
    stf = os.path.join(work, "%s%s.csv" % (name, log_suffix))
    argv = ["sipp", "%s:%d" % (H.LOCAL_IP, sip_port), "-sf", os.path.join(HERE, scenario),
            "-s", service, "-i", local_ip, "-p", str(H.free_port(local_ip)), "-t", "u1",
            "-nostdin", "-trace_stat", "-stf", stf, "-fd", "1", "-max_socket", "4096"]
    if local_ip != H.LOCAL_IP:
        argv.append("-bind_local")
    return D.start(argv + list(extra), os.path.join(work, "%s%s.log" % (name, log_suffix)),
                   cwd=work), stf


def legit_round(work, sip_port, users_csv, users, tag):
    """Registers every user, then each calls 600. Returns (attempted, served, setup_ms)."""
    # Registration as a phone does it (bench/sip_load's register_all: digest with qop, each
    # request retransmitted up to 3 times with 2 s between, like RFC 3261 timer E in spirit).
    began = time.monotonic()
    reg_ok, failures = D.register_all(sip_port, users_map(users_csv), H.free_port(tcp=False))
    reg_failed = len(failures)
    print("   %s: %d registrations in %.1f s" % (tag, reg_ok + reg_failed, time.monotonic() - began),
          flush=True)
    media = H.free_port_block(2 * users + 4)[0]
    call, call_stf = sipp(work, "call", "legit_call.xml", "600", sip_port, H.LOCAL_IP,
                          ["-inf", users_csv, "-m", str(users), "-r", "25", "-l", str(users),
                           "-mi", H.LOCAL_IP, "-mp", str(media), "-timeout", "60s",
                           "-recv_timeout", "32000", "-trace_rtt", "-rtt_freq", "1"], "_" + tag)
    call.wait(90)
    call_ok, call_failed, _ = D.sipp_stats(call_stf)
    setup = []
    for name in [f for f in os.listdir(work) if f.endswith("_rtt.csv") and not f.startswith("rtt_")]:
        os.rename(os.path.join(work, name), os.path.join(work, "rtt_%s_%s" % (tag, name)))
        with open(os.path.join(work, "rtt_%s_%s" % (tag, name))) as fh:
            for line in fh.read().splitlines()[1:]:
                parts = line.split(";")  # Date_ms;response_time_ms;rtd_no
                if len(parts) >= 3 and parts[2] == "setup":
                    try:
                        setup.append(float(parts[1]))
                    except ValueError:
                        pass
    print("   %s: registrations %d ok / %d failed, calls %d ok / %d failed"
          % (tag, reg_ok, reg_failed, call_ok, call_failed), flush=True)
    return 2 * users, reg_ok + call_ok, sorted(setup)


def users_map(users_csv):
    with open(users_csv) as f:
        return dict(line.strip().split(";") for line in f.read().splitlines()[1:] if line.strip())


def pct(values, q):
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--scanner-rate", type=int, default=50000, help="sipp -r (scanner 'calls'/s)")
    ap.add_argument("--flood-seconds", type=int, default=75,
                    help="flood this long (past the 60 s kernel block, so the re-block is seen), "
                         "with a legitimate round every 15 s")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    hotline = os.path.abspath(os.path.join(a.build_dir, "hotline"))
    work = tempfile.mkdtemp(prefix="sip_flood_")
    users = {str(3000 + i): "pw%d" % (3000 + i) for i in range(a.users)}
    users_csv = os.path.join(work, "users.csv")
    with open(users_csv, "w") as f:
        f.write("SEQUENTIAL\n" + "".join("%s;%s\n" % u for u in users.items()))
    cfg = os.path.join(work, "config.yaml")
    with open(cfg, "w") as f:
        f.write(H.config_yaml(users=users, entry_numbers=("600",),
                              dial_plan=[{"number": "600", "action": "echo"}],
                              extra={"log_level": "warn", "record_calls": "false"}))
    sip_port, http_port = H.free_port(), H.free_port()
    hl = D.start([hotline, "--config", cfg, "--listen", H.LOCAL_IP, "--sip-port", str(sip_port),
                  "--rtp-ports", "34000-35999", "--http-port", str(http_port),
                  "--data-dir", os.path.join(work, "data")], os.path.join(work, "hotline.log"))
    try:
        if not H.wait_until(lambda: H.options(sip_port) == 200, 20):
            print("hotline did not start; see %s" % work)
            return 1
        print("== quiet: %d users register and call 600" % a.users, flush=True)
        attempted, served, setup = legit_round(work, sip_port, users_csv, a.users, "quiet")
        quiet = (attempted, served, setup)

        print("== flooded: a scanner on %s at -r %d (REGISTER + OPTIONS + INVITE each)"
              % (SCANNER_IP, a.scanner_rate), flush=True)
        scan, scan_stf = sipp(work, "scanner", "scanner.xml", "x", sip_port, SCANNER_IP,
                              ["-r", str(a.scanner_rate), "-rp", "1000", "-nd", "-m", "100000000",
                               "-l", "1000000", "-timeout", "600s"])
        time.sleep(3)  # the flood is on before the phones start
        cpu0, t0 = D.cpu_seconds(hl.pid), time.monotonic()
        attempted, served, setup, rounds = 0, 0, [], 0
        while True:
            rounds += 1
            r_att, r_served, r_setup = legit_round(work, sip_port, users_csv, a.users,
                                                   "flooded%d" % rounds)
            attempted, served, setup = attempted + r_att, served + r_served, setup + r_setup
            if time.monotonic() - t0 >= a.flood_seconds:
                break
            time.sleep(max(0.0, min(15.0, a.flood_seconds - (time.monotonic() - t0))))
        setup.sort()
        cpu1, t1 = D.cpu_seconds(hl.pid), time.monotonic()
        D.stop(scan, 5)
        _, _, scanner_calls = D.sipp_stats(scan_stf)
        scan_seconds = (t1 - t0) + 3
        still_up = H.options(sip_port) == 200

        q_att, q_served, q_setup = quiet
        print()
        print("figures (bench/sip_flood, %d legitimate users, scanner on one address):" % a.users)
        print("  scanner sent            ~%.0f messages/s (sipp, %d 'calls' x 3 in %.0f s)"
              % (3 * scanner_calls / scan_seconds, scanner_calls, scan_seconds))
        print("  quiet:   served %d/%d = %.1f %%, call setup median %.0f ms, p95 %.0f ms"
              % (q_served, q_att, 100.0 * q_served / q_att, pct(q_setup, 0.5), pct(q_setup, 0.95)))
        print("  flooded: served %d/%d = %.1f %% (goal >= 99 %%) in %d rounds over %.0f s, call "
              "setup median %.0f ms, p95 %.0f ms" % (served, attempted, 100.0 * served / attempted,
                                                    rounds, t1 - t0, pct(setup, 0.5), pct(setup, 0.95)))
        print("  hotline CPU while flooded: %.2f cores; still answering OPTIONS: %s"
              % ((cpu1 - cpu0) / (t1 - t0), still_up))
        with open(os.path.join(work, "hotline.log"), errors="replace") as f:
            log = f.read()
        print("  SECURITY lines: %d rate limited, %d kernel drops"
              % (log.count("SECURITY rate limited"), log.count("SECURITY flood")))
        return 0
    finally:
        D.stop_all()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept %s" % work)


if __name__ == "__main__":
    sys.exit(main())
