"""IVR flows stored in the database (`hotline flow import|list|show`, SIGHUP reload).

The first start stores the configuration's flow file as version 1 (author "seed") and a call
to 700 runs it. `hotline flow import` of a broken flow (a menu key going to a missing node)
exits 1 naming the node and the reason, and stores nothing; a valid changed flow becomes
version 2, but running servers keep version 1 until SIGHUP; after SIGHUP a new call to 700
runs version 2 (told apart by its hangup reason in calls.hangup_cause). A restart keeps
version 2: the database wins over the (unchanged) seed file."""
import re
import signal
import subprocess

import harness as H

FLOW_V1 = """flow: it_welcome
numbers: ["700"]
languages: [en]
start: welcome
nodes:
  welcome: {type: play, prompt: "Welcome to version one.", next: bye}
  bye: {type: hangup, reason: version_one}
"""

FLOW_V2 = """flow: it_welcome
numbers: ["700"]
languages: [en]
start: welcome
nodes:
  welcome: {type: play, prompt: "Welcome to version two.", next: bye}
  bye: {type: hangup, reason: version_two}
"""

FLOW_BROKEN = """flow: it_welcome
numbers: ["700"]
languages: [en]
start: menu
nodes:
  menu:
    type: menu
    prompt: "Press 1."
    options: {"1": nowhere}
"""


def flow_cli(t, hl, *args):
    done = subprocess.run([t.hotline_bin, "flow", *args, "--data-dir", hl.data_dir],
                          capture_output=True, text=True, timeout=20)
    print("   $ hotline flow %s -> rc %d\n     %s" % (" ".join(args), done.returncode,
                                                   (done.stdout + done.stderr).strip().replace("\n", "\n     ")))
    return done.returncode, done.stdout + done.stderr


def versions(hl):
    return H.db_rows(hl.db, "SELECT version, author FROM flow_versions WHERE name = 'it_welcome' "
                            "ORDER BY version")


def call_700(t, hl, n_before):
    """Calls 700, expects the IVR to hang up; returns the closed CDR row."""
    uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                 subs={"ENDING": "WAIT_BYE", "TIMEOUT_MS": 15000}, timeout_s=25).start()
    r = uac.wait(25)
    t.check(r.rc == 0 and re.search(r"^BYE ", r.messages, re.M) is not None,
            "call to 700 answered and hung up by the IVR", r.detail())
    rows = H.wait_until(lambda: [x for x in hl.calls("state = 'closed'")
                                 if str(x["to_number"]) == "700"][n_before:], 10) or []
    row = rows[-1] if rows else {}
    print("   CDR: hangup_cause=%s ivr_path=%s" % (row.get("hangup_cause"), row.get("ivr_path")))
    return row


def run(t):
    seed_path = t.path("it_welcome.yaml")
    with open(seed_path, "w") as f:
        f.write(FLOW_V1)
    dial_plan = [{"number": "700", "action": "ivr", "target": seed_path},
                 {"number": "600", "action": "echo"}]
    hl = t.start_hotline(dial_plan=dial_plan, entry_numbers=("600", "700"))

    print("-- first start: the seed is stored as version 1")
    rows = versions(hl)
    t.check([r["version"] for r in rows] == [1] and rows[0]["author"] == "seed",
            "flow_versions holds it_welcome version 1 by seed", rows)
    rc, out = flow_cli(t, hl, "list")
    t.check(rc == 0 and re.search(r"^it_welcome\s+1\s+seed\s+\d{4}-", out, re.M) is not None,
            "`hotline flow list` shows it_welcome, version 1, seed, the time", out)
    rc, out = flow_cli(t, hl, "show", "it_welcome")
    t.check(rc == 0 and out == FLOW_V1, "`hotline flow show` prints the stored YAML", out)
    t.check(re.search(r"IVR flow it_welcome version 1 is live for 700", hl.log()) is not None,
            "log: version 1 is live for 700", H.tail(hl.log(), 20))
    row = call_700(t, hl, 0)
    t.check("version_one" in (row.get("hangup_cause") or ""),
            "the call ran version 1 (hangup_cause %s)" % row.get("hangup_cause"), row)

    print("-- import of a broken flow: refused with node and reason, nothing stored")
    broken = t.path("broken.yaml")
    with open(broken, "w") as f:
        f.write(FLOW_BROKEN)
    rc, out = flow_cli(t, hl, "import", broken, "--author", "tester")
    t.check(rc == 1, "import of the broken flow exits 1 (rc=%s)" % rc, out)
    t.check(re.search(r"broken\.yaml:9: node 'menu': '1' goes to 'nowhere'", out) is not None,
            "the error names file, line, node 'menu' and the missing node", out)
    t.check(len(versions(hl)) == 1, "still one stored version", versions(hl))

    print("-- import of a valid changed flow: version 2")
    changed = t.path("changed.yaml")
    with open(changed, "w") as f:
        f.write(FLOW_V2)
    rc, out = flow_cli(t, hl, "import", changed, "--author", "tester")
    t.check(rc == 0 and "flow it_welcome version 2 stored" in out,
            "import prints 'flow it_welcome version 2 stored'", out)
    rows = versions(hl)
    t.check([r["version"] for r in rows] == [1, 2] and rows[-1]["author"] == "tester",
            "flow_versions: versions 1 and 2 (by tester)", rows)
    rc, out = flow_cli(t, hl, "show", "it_welcome", "--version", "1")
    t.check(rc == 0 and out == FLOW_V1, "`flow show --version 1` still prints version 1", out)

    print("-- before SIGHUP the server still runs version 1")
    row = call_700(t, hl, 1)
    t.check("version_one" in (row.get("hangup_cause") or ""),
            "without a reload the call runs version 1", row)

    print("-- SIGHUP: version 2 for new calls")
    hl.proc.send_signal(signal.SIGHUP)
    H.wait_until(lambda: "IVR flows reloaded" in hl.log(), 5, what="'IVR flows reloaded' in the log")
    t.check(hl.alive(), "hotline keeps running after SIGHUP")
    t.check(re.search(r"IVR flow it_welcome version 2 is live for 700", hl.log()) is not None,
            "log: version 2 is live for 700")
    row = call_700(t, hl, 2)
    t.check("version_two" in (row.get("hangup_cause") or ""),
            "after SIGHUP the call runs version 2 (hangup_cause %s)" % row.get("hangup_cause"), row)

    print("-- restart with the unchanged seed file: the database wins")
    rc = hl.stop()
    t.check(rc == 0, "hotline exits 0 on SIGTERM after a SIGHUP (rc=%s)" % rc)
    hl.start()
    t.check(len(versions(hl)) == 2, "no new version stored by the restart", versions(hl))
    t.check(re.search(r"IVR flow it_welcome version 2 is live for 700", hl.log_since_start())
            is not None, "log after restart: version 2 is live for 700",
            H.tail(hl.log_since_start(), 20))


H.main(run)
