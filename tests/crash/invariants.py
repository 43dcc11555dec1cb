"""invariants: what holds on disk at every moment of a fetch, however it
ends (tests/crash/killtest, the disk-full cases, make soak).

As a program:  invariants DIR [--failed FILE --input FILE]
checks DIR (without a reference run: each manifest line against its file)
and prints "ok: N files" or the first problem (exit 1).
"""

import hashlib
import os
import sys


class Failed(Exception):
    pass


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tree(d):
    """{relative path: sha256} of the .jpg files under d (final names)."""
    out = {}
    for root, _, files in os.walk(d):
        for n in files:
            if n.endswith(".jpg") and not n.startswith("."):
                p = os.path.join(root, n)
                out[os.path.relpath(p, d)] = sha(p)
    return out


def temps(d):
    """Temporary files under d: a page's, a failure file's journal or
    rewrite."""
    out = []
    for root, _, files in os.walk(d):
        for n in files:
            if n.startswith(".") and (".part." in n or ".run." in n
                                      or ".tmp." in n):
                out.append(os.path.relpath(os.path.join(root, n), d))
    return sorted(out)


def check(d, ref, inputs, failed):
    """The invariants that hold at every moment; Failed if one does not.
    ref: {relative path: sha256} of an uninterrupted run, or None; inputs:
    the input rows (bytes) a failure file may hold, with failed its
    path."""
    for root, _, files in os.walk(d):
        for n in files:
            p = os.path.join(root, n)
            rel = os.path.relpath(p, d)
            if n.endswith(".jpg") and not n.startswith("."):
                with open(p, "rb") as f:
                    data = f.read()
                if data[:2] != b"\xff\xd8" or data[-2:] != b"\xff\xd9":
                    raise Failed("%s: not a whole JPEG (%d bytes)"
                                 % (rel, len(data)))
                if ref is not None and rel not in ref:
                    raise Failed("%s: a file the uninterrupted run has not"
                                 % rel)
                if ref is not None and \
                        hashlib.sha256(data).hexdigest() != ref[rel]:
                    raise Failed("%s: not the bytes the server serves" % rel)
            elif n == "manifest.tsv":
                check_manifest(p, rel)
    if failed and inputs is not None and os.path.exists(failed):
        with open(failed, "rb") as f:
            text = f.read()
        if text and not text.endswith(b"\n"):
            raise Failed("the failure file ends in a torn line")
        for line in text.splitlines():
            if line not in inputs:
                raise Failed("the failure file holds a line that is no "
                             "input row: %r" % line[:80])


def check_manifest(p, rel):
    with open(p, "rb") as f:
        text = f.read()
    if not text.endswith(b"\n"):
        raise Failed("%s: a torn last line" % rel)
    lines = text.decode("utf-8").split("\n")[:-1]
    head = lines[0].split("\t")
    if "file" not in head or "sha256" not in head:
        raise Failed("%s: no header row" % rel)
    fi, si = head.index("file"), head.index("sha256")
    seen = set()
    for k, line in enumerate(lines[1:], 2):
        f = line.split("\t")
        # the input row's own columns may follow the header's (page-fetch(1))
        if len(f) < len(head):
            raise Failed("%s:%d: %d fields, fewer than the header's %d"
                         % (rel, k, len(f), len(head)))
        path = os.path.join(os.path.dirname(p), f[fi])
        if not os.path.isfile(path):
            raise Failed("%s:%d: names %s, which is not on disk"
                         % (rel, k, f[fi]))
        if sha(path) != f[si]:
            raise Failed("%s:%d: %s has not that sha256" % (rel, k, f[fi]))
        if f[fi] in seen:
            raise Failed("%s:%d: %s named twice" % (rel, k, f[fi]))
        seen.add(f[fi])


def main():
    import argparse
    ap = argparse.ArgumentParser(prog="invariants")
    ap.add_argument("dir")
    ap.add_argument("--failed")
    ap.add_argument("--input")
    o = ap.parse_args()
    inputs = None
    if o.input:
        with open(o.input, "rb") as f:
            inputs = set(f.read().splitlines())
    try:
        check(o.dir, None, inputs, o.failed)
    except Failed as e:
        print("invariants: %s" % e)
        return 1
    print("ok: %d files, each whole, every manifest line true" % len(tree(o.dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
