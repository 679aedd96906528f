#!/usr/bin/env python3
"""Fault-injection soak (./build.sh bench soak [MINUTES]): OmsSync under load while its worker and servers are killed.

One-way run: sysbench writes the source for several minutes while this driver SIGKILLs the task's worker at random
moments in every phase (schema, full copy, catch-up, incremental, inside large spilled transactions, during DDL),
SIGKILLs and restarts the source and the target, and stops a server (SIGSTOP) past the client timeouts. Bidirectional
run: writers on both sides of a bidirectional task, with the workers of both directions killed. At the end of each run
every table is compared row by row on both sides. It prints the kills survived, the rows compared, the rows lost and
the rows duplicated; it exits non-zero when a row was lost or duplicated.

The supervisor starts a new worker after each kill (AutoRestart), as it would after a crash in production.
"""
import collections
import glob
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS = os.environ["OMSSYNC_SERVERS"]
HOME = os.environ["OMSSYNC_HOME"]
MINUTES = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
SEED = int(os.environ.get("SOAK_SEED", str(int(time.time()))))
rng = random.Random(SEED)
USER = ["-uoms", "-poms-test-pw"]


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


# ---------------------------------------------------------------- servers and SQL

class Server:
    def __init__(self, name, server_id):
        self.name, self.server_id = name, server_id
        self.port = int(run(["scripts/servers.sh", "start-mariadb", name, run(["scripts/servers.sh", "free-port"]).strip(), str(server_id)]).strip().split(":")[1])
        self.stopped = False

    @property
    def pid(self):
        with open(os.path.join(SERVERS, self.name, "p.pid")) as f:
            return int(f.read().strip())

    def sql(self, statement, database=None, check=True, timeout=600):
        args = ["mariadb", "--no-defaults", "-h127.0.0.1", f"-P{self.port}", *USER, "-N", "-B", "--connect-timeout=5"]
        if database:
            args.append(database)
        result = subprocess.run(args, input=statement, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"{self.name}: {result.stderr.strip()} in: {statement[:200]}")
        return result.stdout if result.returncode == 0 else None

    def try_sql(self, statement, database=None):
        try:
            return self.sql(statement, database, check=False, timeout=120)
        except subprocess.TimeoutExpired:
            return None

    def kill_and_restart(self):
        os.kill(self.pid, signal.SIGKILL)
        time.sleep(rng.uniform(0.5, 3))
        run(["scripts/servers.sh", "restart-mariadb", self.name])

    def pause(self, seconds):
        pid = self.pid
        os.kill(pid, signal.SIGSTOP)
        self.stopped = True
        try:
            time.sleep(seconds)
        finally:
            os.kill(pid, signal.SIGCONT)
            self.stopped = False

    def gtid_seq(self):
        return gtid_seq(self.sql("SELECT @@gtid_binlog_pos").strip(), self.server_id)


def gtid_seq(gtids, server_id):
    """The sequence number of domain 0 in a MariaDB GTID list (the list holds one GTID per domain)."""
    for gtid in (gtids or "").split(","):
        parts = gtid.strip().split("-")
        if len(parts) == 3 and parts[0] == "0":
            return int(parts[2])
    return 0


def run(args, **kwargs):
    return subprocess.run(args, cwd=REPO, check=True, capture_output=True, text=True, **kwargs).stdout


def omssync(script):
    """Runs PowerShell through the omssync host; returns its output."""
    result = subprocess.run(["dotnet", os.path.join(REPO, "bin/shell/omssync.dll"), "-NoProfile", "-Command", script],
                            capture_output=True, text=True, cwd=REPO)
    if result.returncode != 0:
        raise RuntimeError(f"omssync failed: {result.stdout}{result.stderr}")
    return result.stdout


# ---------------------------------------------------------------- the task's state, read as Get-OmsTask reads it

def state(task, direction="Forward"):
    connection = sqlite3.connect(os.path.join(HOME, "state.db"), timeout=30)
    try:
        row = connection.execute("SELECT status, phase, message, worker_pid FROM task_runtime WHERE task = ? AND direction = ?",
                                 (task, direction)).fetchone()
        definition = connection.execute("SELECT definition FROM tasks WHERE name = ?", (task,)).fetchone()
    finally:
        connection.close()
    return {"status": row[0], "phase": row[1], "message": row[2], "pid": row[3], "key": oms_key(json.loads(definition[0]))}


def oms_key(definition):
    return definition["Name"] if definition.get("Id") is None else f"{definition['Name']}#{definition['Id']}"


def set_options(task, **options):
    """Options the cmdlets do not expose (chunk size, memory bound), written into the stored definition."""
    connection = sqlite3.connect(os.path.join(HOME, "state.db"), timeout=30)
    try:
        definition = json.loads(connection.execute("SELECT definition FROM tasks WHERE name = ?", (task,)).fetchone()[0])
        definition.update(options)
        connection.execute("UPDATE tasks SET definition = ? WHERE name = ?", (json.dumps(definition), task))
        connection.commit()
    finally:
        connection.close()


def worker_alive(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"OmsSync.Worker" in f.read()
    except OSError:
        return False


def worker_log(task, direction="Forward"):
    paths = glob.glob(os.path.join(HOME, "logs", f"{task}-*.{direction.lower()}.log"))
    if not paths:
        return ""
    with open(paths[0], errors="replace") as f:
        return f.read()


class Kills:
    """Counts the worker kills and where they landed."""

    def __init__(self):
        self.total = 0
        self.by_phase = collections.Counter()
        self.servers = collections.Counter()

    def kill_worker(self, task, direction, where):
        s = state(task, direction)
        if s["pid"] is None or not worker_alive(s["pid"]):
            return False
        os.kill(s["pid"], signal.SIGKILL)
        while worker_alive(s["pid"]):  # gone before anyone looks again
            time.sleep(0.01)
        self.total += 1
        self.by_phase[where] += 1
        log(f"SIGKILL worker {s['pid']} of {task}/{direction} ({where}; {self.total} so far)")
        return True


def wait_worker(task, direction="Forward", timeout=120, want_phase=None):
    """Waits for a live worker (the supervisor restarts a killed one); resumes a task that failed for real, and says so."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = state(task, direction)
        if s["status"] == "Failed" and s["message"] and not s["message"].startswith("The worker (pid"):
            FAILURES.append(f"{task}/{direction}: {s['message']}")
            log(f"task failed: {s['message']}; resuming it")
            omssync(f"Resume-OmsTask -Name {task} -Direction {direction} -Confirm:$false | Out-Null")
        elif s["pid"] and worker_alive(s["pid"]) and (want_phase is None or s["phase"] == want_phase):
            return s
        time.sleep(0.05)
    raise RuntimeError(f"no live worker for {task}/{direction} in {timeout} s: {state(task, direction)}")


FAILURES = []


# ---------------------------------------------------------------- load

class Load:
    """Writers that run until stopped: sysbench on a database, and transactions on a ledger without a key and on counters."""

    def __init__(self):
        self.stopping = threading.Event()
        self.threads = []

    def sysbench(self, server, database, seconds_left):
        def loop():
            while not self.stopping.is_set():
                remaining = int(seconds_left())
                if remaining <= 0:
                    return
                subprocess.run(["sysbench", "oltp_write_only", "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={server.port}",
                                "--mysql-user=oms", "--mysql-password=oms-test-pw", f"--mysql-db={database}", "--tables=4", "--table-size=25000",
                                "--threads=2", "--rate=30", f"--time={remaining}", "--mysql-ignore-errors=all", "--report-interval=0", "run"],
                               capture_output=True, text=True)
                time.sleep(0.5)  # the server was killed: sysbench ends; start it again
        self._start(loop)

    def ledger(self, server, database, writer, counter_id):
        def loop():
            seq = 0
            while not self.stopping.is_set():
                seq += 1
                server.try_sql(f"START TRANSACTION; INSERT INTO ledger (writer, seq, amount) VALUES ('{writer}', {seq}, {rng.randint(1, 999)}); "
                               f"UPDATE counters SET n = n + 1 WHERE id = {counter_id}; COMMIT;", database)
                time.sleep(0.05)
        self._start(loop)

    def _start(self, target):
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=900)


def prepare_sysbench(server, database, tables=4, rows=25000):
    server.sql(f"CREATE DATABASE {database}")
    run(["sysbench", "oltp_write_only", "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={server.port}", "--mysql-user=oms",
         "--mysql-password=oms-test-pw", f"--mysql-db={database}", f"--tables={tables}", f"--table-size={rows}", "--threads=2", "prepare"])


def prepare_ledger(server, database, counters):
    server.sql(f"""CREATE DATABASE IF NOT EXISTS {database};
        CREATE TABLE {database}.ledger (writer VARCHAR(8) NOT NULL, seq INT NOT NULL, amount INT NOT NULL, at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
        CREATE TABLE {database}.counters (id INT PRIMARY KEY, n BIGINT NOT NULL);
        INSERT INTO {database}.counters VALUES {", ".join(f"({i}, 0)" for i in counters)};""")


# ---------------------------------------------------------------- comparison

def table_rows(server, database, table):
    """Every row of a table as the hash of its values' bytes, as a multiset (a row applied twice counts twice)."""
    columns = [c for c in server.sql(f"SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{database}' "
                                     f"AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION").split("\n") if c]
    values = ", ".join(f"COALESCE(HEX(`{c}`), 'NULL')" for c in columns)
    out = server.sql(f"SELECT MD5(CONCAT_WS('|', {values})) FROM `{database}`.`{table}`")
    return collections.Counter(line for line in out.split("\n") if line), columns


def compare(a, b, databases):
    """Rows compared, lost (on a, missing on b) and duplicated (on b, not on a) over every table of the databases."""
    compared = lost = duplicated = 0
    for database in databases:
        tables = [t for t in a.sql(f"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{database}' ORDER BY 1").split("\n") if t]
        for table in tables:
            rows_a, columns_a = table_rows(a, database, table)
            rows_b, columns_b = table_rows(b, database, table)
            if columns_a != columns_b:
                log(f"  {database}.{table}: columns differ: {columns_a} / {columns_b}")
            missing = sum((rows_a - rows_b).values())
            extra = sum((rows_b - rows_a).values())
            compared += sum(rows_a.values())
            lost += missing
            duplicated += extra
            log(f"  {database}.{table}: {sum(rows_a.values())} rows, {missing} lost, {extra} duplicated")
    return compared, lost, duplicated


def wait_caught_up(task, direction, source, target, timeout=900):
    """Waits until the direction's checkpoint on its target holds every transaction its source has logged by now."""
    wanted = source.gtid_seq()
    key = state(task, direction)["key"]
    deadline = time.time() + timeout
    while time.time() < deadline:
        wait_worker(task, direction)
        out = target.try_sql(f"SELECT position FROM oms.checkpoints WHERE task = '{key}' AND direction = '{direction}'")
        if out and out.strip():
            position = json.loads(out.strip())
            if gtid_seq(position.get("Gtids"), source.server_id) >= wanted:
                return
        time.sleep(1)
    raise RuntimeError(f"{task}/{direction} did not catch up with {source.name} (GTID seq {wanted}) in {timeout} s")


def server_fault(action, src, dst, kills):
    """kill-source / kill-target: SIGKILL the server and start it again; pause-source / pause-target: SIGSTOP it past the client timeouts."""
    server = src if action.endswith("source") else dst
    if action.startswith("kill-"):
        log(f"SIGKILL {server.name} and start it again")
        server.kill_and_restart()
    else:
        seconds = rng.uniform(25, 40)
        log(f"SIGSTOP {server.name} for {seconds:.0f} s")
        server.pause(seconds)
    kills.servers[action] += 1


# ---------------------------------------------------------------- the one-way run

def one_way(src, dst):
    log("one-way: preparing the source")
    prepare_sysbench(src, "sbtest")
    prepare_ledger(src, "soak", [1])
    src.sql("""CREATE TABLE soak.big (id INT PRIMARY KEY, v INT NOT NULL, filler CHAR(100) NOT NULL DEFAULT 'x');
        INSERT INTO soak.big SELECT seq, 0, 'x' FROM seq_1_to_120000;
        CREATE TABLE soak.ddl_t (id INT PRIMARY KEY, a INT NOT NULL, filler VARCHAR(200) NOT NULL);
        INSERT INTO soak.ddl_t SELECT seq, seq % 100, REPEAT('y', 150) FROM seq_1_to_150000;""", "soak")
    omssync(REGISTER + """
        New-OmsTask -Name soak -Source ssrc -Target sdst -Include 'sbtest.*','soak.*' -MigrationType Schema,Full,Incremental `
            -IncrementalDdl -RowsPerSecond 20000 | Out-Null""")
    # Small chunks make the copy many transactions to be killed between; a small memory bound makes large transactions spill.
    set_options("soak", ChunkRows=4000, IncrementalMemoryLimit=8 << 20)

    kills = Kills()
    load = Load()
    end = time.time() + MINUTES * 60
    load.sysbench(src, "sbtest", lambda: end - time.time())
    load.ledger(src, "soak", "a", 1)
    omssync("Start-OmsForward -Name soak -Confirm:$false | Out-Null")

    # Schema and full copy: each new worker goes through its schema phase again; kill it there or in the copy, a
    # bounded number of times so that the copy ends.
    while state("soak")["phase"] not in ("Incremental",) and kills.total < 16:
        s = wait_worker("soak", timeout=120)
        if s["phase"] == "Incremental":
            break
        if kills.by_phase["schema"] < 4 and rng.random() < 0.5:
            deadline = time.time() + 3
            while time.time() < deadline and state("soak")["phase"] in ("None", "PreCheck"):
                time.sleep(0.002)
            phase = state("soak")["phase"]
            if phase == "Schema":
                kills.kill_worker("soak", "Forward", "schema")
                continue
        time.sleep(rng.uniform(0.5, 4))
        phase = state("soak")["phase"]
        if phase in ("Full", "Index", "Schema", "PreCheck"):
            kills.kill_worker("soak", "Forward", {"Full": "full copy", "Index": "full copy", "Schema": "schema", "PreCheck": "schema"}[phase])

    # Catch-up: the changes made during the copy, replayed idempotently up to where it ended; killed while the
    # checkpoint is still inside that window.
    for _ in range(3):
        s = wait_worker("soak", want_phase="Incremental", timeout=600)
        out = dst.try_sql(f"SELECT position, catchup_until FROM oms.checkpoints WHERE task = '{s['key']}' AND direction = 'Forward'")
        if not out or "\t" not in out:
            break
        position, until = out.strip().split("\t")
        if until == "NULL" or gtid_seq(json.loads(position).get("Gtids"), src.server_id) >= gtid_seq(json.loads(until).get("Gtids"), src.server_id):
            break
        time.sleep(rng.uniform(0, 0.3))
        kills.kill_worker("soak", "Forward", "catch-up")

    # Incremental: worker kills, inside large transactions and DDL, and server faults, until the time is up. The faults
    # come in a shuffled schedule, so each kind happens; plain kills fill the time left.
    ddl_steps = ["ADD COLUMN c{n} INT NOT NULL DEFAULT {n}", "ADD INDEX ix_a{n} (a)", "DROP INDEX ix_a{n}", "DROP COLUMN c{n}"]
    ddl_n = 0
    schedule = ["large"] * 5 + ["ddl"] * 5 + ["kill-source", "kill-target"] * 2 + ["pause-source", "pause-target"] + ["worker"] * 16
    rng.shuffle(schedule)
    while schedule or time.time() < end or kills.total < 55:
        wait_worker("soak", want_phase="Incremental", timeout=300)
        action = schedule.pop() if schedule else "worker"
        if action == "worker":
            time.sleep(rng.uniform(0.3, 4))
            kills.kill_worker("soak", "Forward", "incremental")
        elif action == "large":
            before = len(worker_log("soak"))
            src.try_sql("UPDATE big SET v = v + 1", "soak")
            deadline = time.time() + 60
            while time.time() < deadline and "spilled to disk" not in worker_log("soak")[before:]:
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 1.5))
            kills.kill_worker("soak", "Forward", "large transaction")
        elif action == "ddl":
            step = ddl_steps[ddl_n % len(ddl_steps)].format(n=ddl_n // len(ddl_steps))
            ddl_n += 1
            src.try_sql(f"ALTER TABLE ddl_t {step}", "soak")
            key = state("soak")["key"]
            deadline = time.time() + 30
            while time.time() < deadline:
                out = dst.try_sql(f"SELECT COUNT(*) FROM oms.ddl_progress WHERE task = '{key}'")
                if out and out.strip() not in ("", "0"):
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.5))
            kills.kill_worker("soak", "Forward", "DDL")
        else:
            server_fault(action, src, dst, kills)

    log("one-way: stopping the load")
    load.stop()
    wait_caught_up("soak", "Forward", src, dst)
    compared, lost, duplicated = compare(src, dst, ["sbtest", "soak"])
    return kills, compared, lost, duplicated


# ---------------------------------------------------------------- the bidirectional run

def bidirectional(src, dst):
    log("bidirectional: preparing both databases on the source")
    prepare_sysbench(src, "bidi_a")
    prepare_sysbench(src, "bidi_b")
    prepare_ledger(src, "bidi_x", [1, 2])
    omssync(REGISTER + """
        New-OmsTask -Name bidi -Source ssrc -Target sdst -Include 'bidi_a.*','bidi_b.*','bidi_x.*' -MigrationType Schema,Full,Incremental `
            -Topology Bidirectional | Out-Null
        Start-OmsForward -Name bidi -Confirm:$false | Out-Null""")
    wait_worker("bidi", "Forward", timeout=300, want_phase="Incremental")
    omssync("Enable-OmsReverse -Name bidi -Confirm:$false | Out-Null")
    wait_worker("bidi", "Reverse", timeout=120, want_phase="Incremental")

    kills = Kills()
    load = Load()
    end = time.time() + MINUTES * 60 / 2
    # Each side writes its own rows: sysbench on one database each, ledger rows tagged by side, one counter row each.
    load.sysbench(src, "bidi_a", lambda: end - time.time())
    load.sysbench(dst, "bidi_b", lambda: end - time.time())
    load.ledger(src, "bidi_x", "a", 1)
    load.ledger(dst, "bidi_x", "b", 2)
    schedule = ["kill-source", "kill-target", "pause-source", "pause-target"] + ["worker"] * 20
    rng.shuffle(schedule)
    while schedule or time.time() < end or kills.total < 25:
        direction = rng.choice(["Forward", "Reverse"])
        wait_worker("bidi", direction, want_phase="Incremental", timeout=300)
        action = schedule.pop() if schedule else "worker"
        if action == "worker":
            time.sleep(rng.uniform(0.3, 3))
            kills.kill_worker("bidi", direction, "incremental")
        else:
            server_fault(action, src, dst, kills)

    log("bidirectional: stopping the load")
    load.stop()
    for _ in range(2):  # the reverse direction's writes go forward again as markers only: both settle
        wait_caught_up("bidi", "Forward", src, dst)
        wait_caught_up("bidi", "Reverse", dst, src)
    compared, lost, duplicated = compare(src, dst, ["bidi_a", "bidi_b", "bidi_x"])
    return kills, compared, lost, duplicated


def report(name, kills, compared, lost, duplicated):
    phases = ", ".join(f"{where} {n}" for where, n in kills.by_phase.most_common())
    servers = ", ".join(f"{what} {n}" for what, n in sorted(kills.servers.items()))
    print(f"{name}: kills survived {kills.total} ({phases}); server faults: {servers or 'none'}; "
          f"rows compared {compared}, rows lost {lost}, rows duplicated {duplicated}", flush=True)


REGISTER = ""


def main():
    global REGISTER
    log(f"soak: {MINUTES} minutes of load, seed {SEED}")
    src = Server("soak-src", 201)
    dst = Server("soak-dst", 202)
    REGISTER = f"""
        $c = [pscredential]::new('oms', [Net.NetworkCredential]::new('', 'oms-test-pw').SecurePassword)
        if (-not (Get-OmsDataSource ssrc -ErrorAction SilentlyContinue)) {{
            New-OmsDataSource -Name ssrc -Type MariaDb -Server 127.0.0.1 -Port {src.port} -Credential $c | Out-Null
            New-OmsDataSource -Name sdst -Type MariaDb -Server 127.0.0.1 -Port {dst.port} -Credential $c | Out-Null
        }}
    """
    results = [("one-way", *one_way(src, dst)), ("bidirectional", *bidirectional(src, dst))]
    print("", flush=True)
    for result in results:
        report(*result)
    for failure in FAILURES:
        print(f"task failure met (resumed): {failure}", flush=True)
    bad = any(r[3] or r[4] for r in results) or any(r[1].total < (50 if r[0] == "one-way" else 20) for r in results) or FAILURES
    omssync("Get-OmsTask | Stop-OmsTask -Confirm:$false -WarningAction SilentlyContinue | Out-Null")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
