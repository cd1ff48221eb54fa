"""The hotline command line: --help and --version, and a bad configuration refused with a
message that names the file, the line and the problem (exit code 2, nothing started)."""
import subprocess

import harness as H


def run_hotline(t, *args):
    done = subprocess.run([t.hotline_bin, *args], capture_output=True, text=True, timeout=20)
    return done.returncode, done.stdout + done.stderr


def run(t):
    rc, out = run_hotline(t, "--help")
    t.check(rc == 0, "--help exits 0", out)
    for flag in ("--config", "--listen", "--sip-port", "--rtp-ports", "--http-port", "--data-dir",
                 "--version"):
        t.check(flag in out, "--help lists %s" % flag, out)

    rc, out = run_hotline(t, "--version")
    t.check(rc == 0 and "hotline" in out, "--version prints the version", out)

    bad = t.path("bad.yaml")
    with open(bad, "w") as f:
        f.write("listen: 127.0.0.1\nsip_port: 5060\nsip_prot: 99\n")
    rc, out = run_hotline(t, "--config", bad, "--data-dir", t.path("var"))
    t.check(rc == 2, "an unknown key is refused with exit code 2 (rc=%s)" % rc, out)
    t.check("bad.yaml:3" in out and "sip_prot" in out, "the message names file, line 3 and the key", out)

    with open(bad, "w") as f:
        f.write("sip_port: 70000\n")
    rc, out = run_hotline(t, "--config", bad)
    t.check(rc == 2 and "bad.yaml:1" in out, "a port out of range is refused at line 1", out)

    with open(bad, "w") as f:
        f.write("users:\n  - {number: \"1001\", password: \"x\"\n")
    rc, out = run_hotline(t, "--config", bad)
    t.check(rc == 2 and "bad.yaml" in out, "broken YAML is refused naming the file", out)

    rc, out = run_hotline(t, "--rtp-ports", "3000-2000", "--data-dir", t.path("var"))
    t.check(rc == 2 and "rtp" in out.lower(), "a reversed --rtp-ports range is refused", out)

    rc, out = run_hotline(t, "--config", t.path("missing.yaml"))
    t.check(rc != 0 and "missing.yaml" in out, "a missing configuration file is named", out)


H.main(run)
