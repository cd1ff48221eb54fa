"""Issue 9 (10): HTTPS for the console and API. With `tls: {https_port: N, http_redirect: true}`
and no certificate configured, hotline serves the same routes, console and CTI WebSocket over
TLS with the self-signed certificate it made in DATA_DIR/tls/:

1. curl trusting that certificate gets /healthz (200) and the console page; responses carry
   Strict-Transport-Security beside the other security headers.
2. Sign-in over HTTPS sets the session cookie with Secure (and HttpOnly); an authenticated GET
   with that cookie answers 200.
3. TLS 1.2 and 1.3 are accepted, TLS 1.1 and 1.0 refused (openssl s_client).
4. Plain HTTP answers 308 to the same path and query on https://<host>:<https_port> (a POST
   too), except /healthz and /metrics which monitoring scrapes over HTTP.
5. A wss:// CTI WebSocket (Python ssl, browser-like Origin) gets its hello and answers a ping;
   Chromium (tests/e2e/https.e2e.mjs, when node, Chromium and the built console are there)
   opens the plain-HTTP address, lands on HTTPS, signs in, connects its CTI socket over wss://
   and holds a Secure, HttpOnly session cookie.
6. Garbage bytes, a plain HTTP request, and a client that never starts its handshake on the
   HTTPS port get a closed connection (the last within the 10 s handshake timeout), and the
   server keeps serving.
7. http_redirect without https_port is a configuration error at start."""
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time

import harness as H
import wsclient


def curl(t, cert, url, *args):
    """(status, headers dict lower-case, body str) of curl -i (headers of the last response)."""
    out = subprocess.run(["curl", "-sS", "-i", "--max-time", "10", "--cacert", cert] + list(args)
                         + [url], capture_output=True, timeout=20)
    text = out.stdout.decode(errors="replace")
    if out.returncode != 0:
        return None, {}, out.stderr.decode(errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    while body.startswith("HTTP/"):  # -L: the responses one after the other; keep the last
        head, _, body = body.partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers, body


def s_client(port, version):
    """Whether openssl s_client completes a handshake with -tls1_x (judged by the session it
    prints, not its exit code: the server may close first once stdin's EOF ends the session)."""
    out = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, version],
                         input=b"", capture_output=True, timeout=15)
    text = (out.stdout + out.stderr).decode(errors="replace")
    return re.search(r"New, TLSv1\.[0-3], Cipher is (?!\(NONE\))", text) is not None, text


def closed_without_http(port, payload, wait=20):
    """Sends `payload` (may be empty) to the port; True when the server closes the connection
    (EOF or reset) within `wait` s without ever answering in HTTP."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=wait)
    received = b""
    try:
        if payload:
            sock.sendall(payload)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                return b"HTTP/" not in received, received
            received += chunk
        return False, received
    except (ConnectionResetError, BrokenPipeError):
        return b"HTTP/" not in received, received
    except socket.timeout:
        return False, received
    finally:
        sock.close()


PER_SOURCE = 8


def tls_handshake_ok(port, cert, source):
    context = ssl.create_default_context(cafile=cert)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                return True
    except (OSError, ssl.SSLError):
        return False


def run(t):
    https_port = H.free_port()
    hl = t.start_hotline(extra={"seed_demo_data": "true"},
                         raw="tls:\n  https_port: %d\n  http_redirect: true\n"
                             "http:\n  max_connections_per_source: %d\n" % (https_port, PER_SOURCE))
    hl.wait_http()
    cert = os.path.join(hl.data_dir, "tls", "hotline-cert.pem")
    t.check(os.path.exists(cert), "a self-signed certificate was made: %s" % cert)
    base = "https://127.0.0.1:%d" % https_port
    t.check(H.wait_until(lambda: curl(t, cert, base + "/healthz")[0] == 200, 10),
            "GET /healthz over HTTPS is 200 (curl verifies the certificate)",
            curl(t, cert, base + "/healthz"))
    t.check("HTTPS API on 127.0.0.1:%d" % https_port in hl.log(), "the log names the HTTPS address")

    print("-- 1. headers over HTTPS")
    status, headers, body = curl(t, cert, base + "/")
    t.check(status == 200 and "<html" in body.lower(), "the console page over HTTPS", (status, body[:200]))
    t.check(headers.get("strict-transport-security") == ["max-age=31536000"],
            "Strict-Transport-Security on HTTPS responses", headers)
    t.check(headers.get("x-frame-options") == ["DENY"] and "content-security-policy" in headers,
            "... beside the other security headers", headers)

    print("-- 2. sign-in over HTTPS: the cookie is Secure")
    jar = t.path("cookies.txt")
    status, headers, body = curl(t, cert, base + "/api/v1/session", "-c", jar, "-X", "POST",
                                 "-H", "Content-Type: application/json", "--data",
                                 json.dumps({"username": "admin", "password": "demo-admin"}))
    cookie = " ".join(headers.get("set-cookie", []))
    t.check(status == 200, "admin signs in over HTTPS", (status, body))
    t.check("hotline_session=" in cookie and "; Secure" in cookie and "HttpOnly" in cookie,
            "the session cookie has Secure and HttpOnly", cookie)
    token = json.loads(body)["token"] if status == 200 else ""
    status, headers, body = curl(t, cert, base + "/api/v1/me", "-b", jar)
    t.check(status == 200 and json.loads(body)["user"]["username"] == "admin",
            "an authenticated GET with the cookie over HTTPS", (status, body[:300]))
    t.check(headers.get("strict-transport-security") == ["max-age=31536000"], "... with HSTS")

    print("-- 3. protocol versions")
    for version in ("-tls1_2", "-tls1_3"):
        ok, text = s_client(https_port, version)
        t.check(ok, "%s accepted" % version, H.tail(text, 8))
    for version in ("-tls1_1", "-tls1"):
        ok, text = s_client(https_port, version)
        t.check(not ok, "%s refused" % version, H.tail(text, 8))

    print("-- 4. plain HTTP redirects, except monitoring")
    r = hl.http("GET", "/api/v1/agents?x=1&y=2")
    t.check(r[0] == 308 and r[1].get("location") == base + "/api/v1/agents?x=1&y=2",
            "GET on plain HTTP: 308 to the same path and query on HTTPS", r[:2])
    r = hl.http("POST", "/api/v1/session", {"username": "admin", "password": "demo-admin"})
    t.check(r[0] == 308 and r[1].get("location") == base + "/api/v1/session",
            "a sign-in POST on plain HTTP is redirected too (not served)", r[:2])
    r = hl.http("GET", "/")
    t.check(r[0] == 308 and r[1].get("location") == base + "/", "the console page too", r[:2])
    t.check("strict-transport-security" not in r[1], "no HSTS over plain HTTP", r[1])
    r = hl.http("GET", "/healthz")
    t.check(r[0] == 200, "/healthz is still served over plain HTTP", r[:2])
    r = hl.http("GET", "/metrics")
    t.check(r[0] != 308, "/metrics is not redirected", r[:2])
    status, headers, _ = curl(t, cert, "http://127.0.0.1:%d/api/v1/me" % hl.http_port, "-L", "-b", jar)
    t.check(status == 200, "curl -L follows the redirect to HTTPS and is served", (status, headers))

    print("-- 5. wss:// CTI WebSocket")
    context = ssl.create_default_context(cafile=cert)
    ws = wsclient.WebSocket(https_port, "/api/v1/events?token=" + token, ssl_context=context,
                            headers={"Origin": base})
    hello = ws.recv_json(5)
    t.check(hello and hello["type"] == "hello" and hello["user"]["username"] == "admin",
            "a wss:// hello for admin", hello)
    ws.send_json({"id": 1, "command": "ping"})
    reply = ws.recv_json(5)
    t.check(reply and reply.get("id") == 1 and reply.get("ok") is True, "... and a ping answered", reply)
    ws.close()
    try:
        wsclient.WebSocket(hl.http_port, "/api/v1/events?token=" + token)
        t.check(False, "a ws:// upgrade on the redirecting plain port is not served")
    except wsclient.HandshakeError as e:
        t.check(e.status == 308, "a ws:// upgrade on the redirecting plain port gets 308", e)

    print("-- 5b. Chromium over HTTPS (tests/e2e/https.e2e.mjs)")
    web = os.path.join(t.source_dir, "web")
    if not shutil.which("node") or not os.access("/usr/bin/chromium", os.X_OK) or \
            not os.path.isdir(os.path.join(web, "node_modules", "playwright-core")) or \
            not os.path.exists(os.path.join(web, "dist", "index.html")):
        print("SKIP the browser part: node, /usr/bin/chromium, web/node_modules/playwright-core "
              "or web/dist missing (web/build.sh)")
    else:
        out = subprocess.run(["node", os.path.join(t.source_dir, "tests", "e2e", "https.e2e.mjs"),
                              "--plain", "http://127.0.0.1:%d" % hl.http_port, "--https", base,
                              "--username", "supervisor", "--password", "demo-supervisor"],
                             capture_output=True, text=True, timeout=120)
        print(out.stdout + out.stderr)
        t.check(out.returncode == 0 and "FAIL" not in out.stdout,
                "Chromium: redirected to HTTPS, signs in, CTI socket over wss://, Secure cookie",
                H.tail(out.stdout + out.stderr, 10))

    print("-- 6. not TLS, or no handshake, on the HTTPS port: closed")
    closed, got = closed_without_http(https_port, os.urandom(2000))
    t.check(closed, "garbage bytes: the connection is closed", got[:100])
    closed, got = closed_without_http(https_port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    t.check(closed, "a plain HTTP request: closed, not answered", got[:100])
    started = time.monotonic()
    closed, got = closed_without_http(https_port, b"", wait=25)
    t.check(closed, "a client that never starts its handshake is dropped (after %.1f s)"
            % (time.monotonic() - started), got[:100])
    t.check(curl(t, cert, base + "/healthz")[0] == 200 and hl.alive(), "... and HTTPS still serves")
    t.check(hl.http("GET", "/healthz")[0] == 200, "... and plain HTTP too")

    print("-- 6b. the per-source connection cap holds on the HTTPS port")
    held = [socket.create_connection(("127.0.0.1", https_port), timeout=10,
                                     source_address=("127.0.0.3", 0)) for _ in range(PER_SOURCE)]
    time.sleep(0.5)
    over = socket.create_connection(("127.0.0.1", https_port), timeout=10,
                                    source_address=("127.0.0.3", 0))
    over.settimeout(5)  # well below the 10 s handshake timeout, which would also close it
    try:
        got = over.recv(100)
    except ConnectionResetError:
        got = b""
    except socket.timeout:
        got = None  # still open: not refused
    over.close()
    t.check(got == b"", "connection %d from 127.0.0.3 is closed at once, nothing written" % (PER_SOURCE + 1), got)
    t.check(tls_handshake_ok(https_port, cert, "127.0.0.1"), "another address still gets TLS")
    for sock in held:
        sock.close()
    t.check(H.wait_until(lambda: tls_handshake_ok(https_port, cert, "127.0.0.3"), 10),
            "127.0.0.3 is served again once its connections closed")
    t.check(curl(t, cert, base + "/healthz")[0] == 200, "... and HTTPS serves")

    print("-- 7. http_redirect needs https_port")
    bad = H.Hotline(t, H.config_yaml(raw="tls:\n  http_redirect: true\n"), name="bad")
    proc = subprocess.run(bad.argv(), capture_output=True, timeout=20)
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    t.check(proc.returncode != 0 and "http_redirect needs https_port" in text,
            "refused with a clear error", H.tail(text, 5))


if __name__ == "__main__":
    H.main(run)
