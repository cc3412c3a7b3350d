# Runs a command on a pseudo-terminal (kubectl exec -it needs one), types the given lines one by
# one with a pause after each, and prints what the terminal showed, then the exit code.
# Usage: python3 ptyrun.py SECONDS_PER_LINE LINE... -- COMMAND ARG...
import os, pty, select, sys, time

sep = sys.argv.index("--")
pause = float(sys.argv[1])
lines = sys.argv[2:sep]
cmd = sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = b""

def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            out += data
    return True

pump(pause * 2)
for line in lines:
    os.write(fd, line.encode().decode("unicode_escape").encode())
    if not pump(pause):
        break
pump(pause)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.stdout.write("\n[exit %d]\n" % os.waitstatus_to_exitcode(status))
