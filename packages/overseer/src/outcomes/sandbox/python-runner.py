# The Python sandbox's runner (python-sandbox.ts), run inside bubblewrap as `python3 -I -S -c`:
# reads one JSON line (nonce, program, workspace files, input, limits) from standard input, runs the
# program as a child process in /tmp/work with capped output and a deadline, and prints one line,
# the nonce then the result as JSON. It makes itself undumpable first, so the program (same user,
# same sandbox) can neither read the nonce from its memory nor reach its file descriptors.
import ctypes
import json
import os
import selectors
import signal
import subprocess
import sys
import time

PR_SET_DUMPABLE = 4
ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)

request = json.loads(sys.stdin.readline())
nonce = request["nonce"]
limits = request["limits"]
work = "/tmp/work"


def files_in(directory, budget):
    """The workspace's text files as they are now, up to `budget` bytes in all."""
    files = {}
    for root, _, names in os.walk(directory):
        for name in sorted(names):
            path = os.path.join(root, name)
            try:
                if not os.path.isfile(path) or os.path.islink(path):
                    continue
                with open(path, "rb") as handle:
                    data = handle.read(budget + 1)
            except OSError:
                continue
            if len(data) > budget:
                continue
            budget -= len(data)
            files[os.path.relpath(path, directory)] = data.decode("utf-8", "replace")
    return files


def finish(status, stdout=b"", stderr=b""):
    result = {
        "status": status,
        "stdout": stdout.decode("utf-8", "replace"),
        "stderr": stderr.decode("utf-8", "replace"),
        "files": files_in(work, limits["fileBytes"]),
    }
    sys.stdout.write(nonce + " " + json.dumps(result) + "\n")
    sys.stdout.flush()
    sys.exit(0)


os.makedirs(work)
for name, text in request["files"].items():
    path = os.path.join(work, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
with open(os.path.join(work, request["main"]), "w", encoding="utf-8") as handle:
    handle.write(request["code"])

child = subprocess.Popen(
    [sys.executable, "-I", request["main"]],
    cwd=work,
    stdin=subprocess.PIPE,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
    env={"HOME": work, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    start_new_session=True,
)
try:
    child.stdin.write(request["stdin"].encode("utf-8"))
    child.stdin.close()
except OSError:
    pass  # The program ended, or closed its standard input, before reading it all.

deadline = time.monotonic() + limits["timeoutMs"] / 1000
selector = selectors.DefaultSelector()
streams = {child.stdout: bytearray(), child.stderr: bytearray()}
for stream in streams:
    selector.register(stream, selectors.EVENT_READ)
ended = None
while selector.get_map():
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        ended = "timeout"
        break
    for key, _ in selector.select(remaining):
        chunk = os.read(key.fd, 65536)
        if not chunk:
            selector.unregister(key.fileobj)
            continue
        streams[key.fileobj] += chunk
        if len(streams[key.fileobj]) > limits["outputBytes"]:
            ended = "output-limit"
    if ended is not None:
        break

if ended is not None:
    # The program's whole process group (it may have forked); the sandbox's end takes the rest.
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        pass
try:
    code = child.wait(timeout=max(deadline - time.monotonic(), 0.1))
except subprocess.TimeoutExpired:
    os.killpg(child.pid, signal.SIGKILL)
    code = child.wait()
    ended = ended or "timeout"

stdout = bytes(streams[child.stdout][: limits["outputBytes"]])
stderr = bytes(streams[child.stderr][: limits["outputBytes"]])
if ended is not None:
    finish(ended, stdout, stderr)
if code == -signal.SIGXCPU or code == -signal.SIGKILL:
    finish("timeout", stdout, stderr)
if code != 0:
    last = stderr.strip().splitlines()[-1:] or [b""]
    finish("memory" if last[0].startswith(b"MemoryError") else "error", stdout, stderr)
finish("ok", stdout, stderr)
