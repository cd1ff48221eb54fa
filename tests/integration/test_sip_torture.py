"""The SIP torture corpus (tests/sip_torture/: RFC 4475 classes and the inputs of issue 9)
against a running hotline, over UDP and over TCP. Each message gets what tests/sip_torture/EXPECT
says (processed, refused with a 4xx, or anything), hotline stays up after every one of them,
and a real call (echo on 600 with a 440 Hz tone) still works at the end."""
import os
import uuid

import harness as H


def load_corpus(source_dir):
    folder = os.path.join(source_dir, "tests", "sip_torture")
    expect = {}
    with open(os.path.join(folder, "EXPECT")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, what = line.split()
                expect[name] = what
    corpus = []
    for name, what in sorted(expect.items()):
        with open(os.path.join(folder, name + ".sip"), encoding="utf-8", newline="") as f:
            corpus.append((name, what, f.read()))
    return corpus


def fill(text, port, transport):
    for key, value in (("$HOST", H.LOCAL_IP), ("$PORT", str(port)), ("$LOCAL", H.LOCAL_IP),
                       ("$CALLID", uuid.uuid4().hex), ("$BRANCH", "z9hG4bK" + uuid.uuid4().hex[:16]),
                       ("$TAG", uuid.uuid4().hex[:8])):
        text = text.replace(key, value)
    if transport == "TCP":
        text = text.replace("SIP/2.0/UDP", "SIP/2.0/TCP")
    data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "surrogateescape")
    head, sep, body = data.partition(b"\r\n\r\n")
    return head.replace(b"$CLEN", str(len(body)).encode()) + sep + body


def run(t):
    # The corpus's valid INVITEs to 600 (no credentials, never ACKed) stay up as calls for a
    # while; all come from 127.0.0.1, so the default cap on unauthenticated calls per source
    # (20, tested in test_rtp_security) would answer the final echo call 503.
    hl = t.start_hotline(extra={"max_unauthenticated_calls_per_source": 500})
    corpus = load_corpus(t.source_dir)
    t.check(len(corpus) >= 30, "the corpus has %d messages" % len(corpus))
    for transport in ("UDP", "TCP"):
        for name, what, text in corpus:
            data = fill(text, hl.sip_port, transport)
            try:
                replies = (H.send_udp(data, hl.sip_port, wait=1.5) if transport == "UDP"
                           else H.send_tcp(data, hl.sip_port, wait=1.5))
            except OSError as e:
                replies = []
                print("   %s over %s: %s" % (name, transport, e))
            finals = [H.status_of(r) for r in replies if (H.status_of(r) or 0) >= 200]
            status = finals[0] if finals else None
            label = "%s over %s -> %s" % (name, transport, status)
            if what == "not400":
                t.check(status is not None and status != 400, label + " (processed)", replies[:1])
            elif what == "4xx":
                t.check(status is not None and 400 <= status < 500, label + " (refused)", replies[:1])
            else:
                print("   %s" % label)
            t.check(hl.options() == 200, "hotline answers OPTIONS after %s over %s" % (name, transport))

    print("-- a real call still works: sipp calls the echo 600 with a 440 Hz tone")
    tone = H.make_tone(t.path("tone_440.wav"), 440, 4, ulaw=True)
    uac = H.Sipp(t, "uac_call.xml", "600", hl.sip_port,
                 subs={"MEDIA": H.media_stream(tone, 3000), "ENDING": "BYE"}, timeout_s=20)
    r = uac.run(30)
    t.check(r.rc == 0 and r.successful == 1, "echo call after the corpus succeeded", r.detail())
    t.check(hl.alive(), "hotline is still running")


if __name__ == "__main__":
    H.main(run)
