"""Agent feature codes from the phone: *11 logs in and makes ready, *13 toggles ready / not
ready, *12 logs out. Each call is answered, a confirmation is spoken and Hotline hangs up;
every state change is an agent_events row with a timestamp. A caller without credentials is
challenged (407), as for any non-public number."""
import re

import harness as H


def run(t):
    hl = t.start_hotline()

    def dial(code):
        uac = H.Sipp(t, "uac_call.xml", code, hl.sip_port, user="1003",
                     subs={"MEDIA": "", "ENDING": "WAIT_BYE", "TIMEOUT_MS": 15000},
                     timeout_s=30).start()
        r = uac.wait(30)
        t.check(r.rc == 0 and re.search(r"^BYE ", r.messages, re.M) is not None,
                "%s answered, confirmed and hung up by Hotline" % code, r.detail())

    for code in ("*11", "*13", "*13", "*12"):
        dial(code)
    query = "select * from agent_events where agent = '1003' order by id"
    events = H.wait_until(lambda: (lambda rows: rows if rows and rows[-1]["to_state"] == "logged_out"
                                   else None)(H.db_rows(hl.db, query)), 10) or []
    states = [e["to_state"] for e in events]
    print("   agent 1003 went through: %s" % states)
    t.check(bool(states) and events[0]["from_state"] == "logged_out",
            "the demo agent started logged out", events)
    t.check("ready" in states, "*11 made the agent ready", states)
    t.check(any(e["to_state"] == "not_ready" and e["reason"] == "manual" for e in events),
            "*13 made it not ready (reason manual)", events)
    t.check(states.count("ready") >= 2, "the second *13 made it ready again", states)
    t.check(bool(states) and states[-1] == "logged_out", "*12 logged it out", states)
    t.check(all(e["at_time"] and e["at_ms"] > 0 for e in events), "every event has a time", events)
    t.check(re.search(r"agent 1003: logged_out -> ", hl.log()) is not None, "the log shows the changes")

    print("-- no credentials: *11 is challenged")
    uac = H.Sipp(t, "uac_expect.xml", "*11", hl.sip_port, subs={"STATUS": "407"}, timeout_s=15)
    r = uac.run()
    t.check(r.rc == 0, "unauthenticated *11 gets 407", r.detail())


H.main(run)
