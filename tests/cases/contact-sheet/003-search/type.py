"""type.py BROWSER PROFILE URL WORD...: open URL in headless Chromium,
driven through the DevTools protocol over --remote-debugging-pipe (no
network port), type each WORD into the search box a key at a time (after
clearing it), and print how many thumbnails and volumes are left shown.
Exit 77 when the browser cannot be driven (the case is then skipped)."""
import json
import os
import subprocess
import sys
import time

browser, profile, url, words = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()


def child_fds():
    # the browser reads commands on fd 3 and writes answers on fd 4
    # (a dup2 onto itself keeps close-on-exec: move both out of the way)
    r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(r, 3)
    os.dup2(w, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)


proc = subprocess.Popen(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
     "--disable-background-networking", "--disable-component-update", "--disable-sync",
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    preexec_fn=child_fds, close_fds=False)
os.close(to_chrome_r)
os.close(from_chrome_w)
out = os.fdopen(to_chrome_w, "wb")
inp = os.fdopen(from_chrome_r, "rb")
pending = b""
ids = 0
deadline = time.time() + 90


def skip(why):
    sys.stderr.write("%s: browser test skipped\n" % why)
    proc.kill()
    proc.wait()
    sys.exit(77)


def call(method, session=None, soft=False, **params):
    """Send one command and wait for its answer (events are read past); an
    error answer skips the test, or with soft gives None."""
    global ids, pending
    ids += 1
    msg = {"id": ids, "method": method, "params": params}
    if session:
        msg["sessionId"] = session
    out.write(json.dumps(msg).encode() + b"\0")
    out.flush()
    while True:
        if time.time() > deadline:
            skip("the browser did not answer in 90 s")
        while b"\0" not in pending:
            chunk = os.read(inp.fileno(), 65536)
            if not chunk:
                skip("the browser closed its pipe")
            pending += chunk
        raw, pending = pending.split(b"\0", 1)
        ans = json.loads(raw)
        if ans.get("id") == ids:
            if "error" in ans:
                if soft:
                    return None
                skip("%s: %s" % (method, ans["error"].get("message")))
            return ans.get("result", {})


def evaluate(session, expr, soft=False):
    r = call("Runtime.evaluate", session, soft, expression=expr, returnByValue=True)
    return r.get("result", {}).get("value") if r else None


try:
    target = call("Target.createTarget", url=url)["targetId"]
    session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    # (the new tab is about:blank, complete, before it navigates)
    while evaluate(session, "document.readyState == 'complete' && "
                   "!!document.getElementById('nshown')", True) is not True:
        if time.time() > deadline:
            skip("the page did not load")
        time.sleep(0.1)
    count = ("[document.querySelectorAll('figure.page:not([hidden])').length,"
             " document.querySelectorAll('section.volume:not([hidden])').length,"
             " document.getElementById('nshown').textContent]")
    print("loaded: %s thumbnails, %s volumes, %s shown" % tuple(evaluate(session, count)))
    for word in words:
        evaluate(session, "var s = document.getElementById('search'); s.value = '';"
                 " s.dispatchEvent(new Event('input')); s.focus()")
        for ch in word:
            call("Input.dispatchKeyEvent", session, type="keyDown", text=ch, key=ch)
            call("Input.dispatchKeyEvent", session, type="keyUp", key=ch)
        typed = evaluate(session, "document.getElementById('search').value")
        print("typed %r: %s thumbnails, %s volumes, %s shown" % ((typed,) + tuple(evaluate(session, count))))
    call("Browser.close")
finally:
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
