"""Issue 9 (10): SIP over TLS. With `tls: {sip_port: N}` and no certificate configured, hotline
makes a self-signed one in DATA_DIR/tls/ on first start and keeps it; baresip phones register
and call each other over TLS (audio both ways, recorded), a TLS phone calls a UDP phone, and the
dialogs' Contact stays reachable on each phone's own transport."""
import os
import re
import subprocess

import harness as H

TLS_CONFIG = "sip_verify_server no\n"


def run(t):
    tls_port = H.free_port()
    hl = t.start_hotline(raw="tls:\n  sip_port: %d\n" % tls_port)
    cert = os.path.join(hl.data_dir, "tls", "hotline-cert.pem")
    t.check(os.path.exists(cert), "a self-signed certificate was made: %s" % cert)
    key = os.path.join(hl.data_dir, "tls", "hotline-key.pem")
    t.check(os.path.exists(key) and (os.stat(key).st_mode & 0o077) == 0,
            "its key is readable by the owner only")
    shown = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % tls_port],
                           input=b"", capture_output=True, timeout=10).stdout.decode(errors="replace")
    t.check("CN = 127.0.0.1" in shown and "TLSv1.3" in shown,
            "the TLS port presents it (TLS 1.3)", H.tail(shown, 10))

    a_wav = H.make_tone(t.path("a_440.wav"), 440, 40)
    b_wav = H.make_tone(t.path("b_1000.wav"), 1000, 40)
    print("-- baresip 1002 registers over TLS and answers by itself (1000 Hz)")
    b = H.Baresip(t, "bob_tls", "<sip:1002@127.0.0.1:%d;transport=tls>;auth_pass=demo1002;"
                  "regint=60;answermode=auto;audio_codecs=PCMU" % tls_port, b_wav, hl.sip_port,
                  quit_after_s=30, config_extra=TLS_CONFIG)
    b.start()
    t.check(H.wait_until(lambda: re.search(r"TLS.*200 OK|200 OK.*binding", b.output()) is not None, 10),
            "baresip 1002 registered over TLS", H.tail(b.output(), 10))
    print("-- baresip 1001 over TLS calls 1002 (440 Hz) for ~7 s")
    a = H.Baresip(t, "alice_tls", "<sip:1001@127.0.0.1:%d;transport=tls>;auth_pass=demo1001;"
                  "regint=0;audio_codecs=PCMU" % tls_port, a_wav, hl.sip_port,
                  commands=["/dial sip:1002@127.0.0.1:%d" % tls_port], quit_after_s=8,
                  config_extra=TLS_CONFIG)
    a.start()
    a.wait(25)
    t.check(re.search(r"Call established", a.output()) is not None, "the TLS call was established",
            H.tail(a.output(), 15))
    b_dec, a_dec = b.dumps("dec"), a.dumps("dec")
    if b_dec:
        t.check(H.tone_present(t, b_dec[-1], 440, skip_ms=1000), "1002 heard 1001 over the TLS call")
    if a_dec:
        t.check(H.tone_present(t, a_dec[-1], 1000, skip_ms=1500), "1001 heard 1002 over the TLS call")
    rows = hl.calls("to_number = '1002' AND state = 'closed'")
    t.check(any(r["disposition"] == "answered" for r in rows), "CDR answered", rows)

    print("-- a TLS phone (1001) calls a UDP phone (1003)")
    c = H.Baresip(t, "carol_udp", "<sip:1003@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1003;"
                  "regint=60;answermode=auto;audio_codecs=PCMU", b_wav, hl.sip_port, quit_after_s=25)
    c.start()
    t.check(H.wait_until(c.registered, 10), "baresip 1003 registered over UDP")
    a2 = H.Baresip(t, "alice_tls2", "<sip:1001@127.0.0.1:%d;transport=tls>;auth_pass=demo1001;"
                   "regint=0;audio_codecs=PCMU" % tls_port, a_wav, hl.sip_port,
                   commands=["/dial sip:1003@127.0.0.1:%d" % tls_port], quit_after_s=6,
                   config_extra=TLS_CONFIG)
    a2.start()
    a2.wait(20)
    t.check(re.search(r"Call established", a2.output()) is not None, "TLS -> UDP call established",
            H.tail(a2.output(), 15))
    # Ended by the caller with a BYE both dialogs accepted: the record is closed as answered
    # with the caller hanging up (a Contact the phone cannot reach would leave it to time out).
    ended = H.wait_until(lambda: hl.calls("to_number = '1003' AND state = 'closed'"), 10)
    t.check(bool(ended) and ended[-1]["disposition"] == "answered"
            and ended[-1]["hangup_side"] == "caller", "... and ended cleanly by the caller", ended)
    b.stop()
    c.stop()

    print("-- the certificate is kept across restarts")
    with open(cert) as f:
        before = f.read()
    hl.stop()
    hl.start()
    with open(cert) as f:
        t.check(f.read() == before, "the same certificate after a restart")


if __name__ == "__main__":
    H.main(run)
