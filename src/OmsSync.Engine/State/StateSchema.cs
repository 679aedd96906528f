using Microsoft.Data.Sqlite;

namespace OmsSync.Engine.State;

/// <summary>
/// Versioned schema of the state store. Each entry upgrades from the previous version; the version
/// reached is kept in PRAGMA user_version. Never edit a released step: add a new one.
/// </summary>
internal static class StateSchema
{
    private static readonly string[] Steps =
    [
        // 1: data sources, tasks, runtime state, per-table progress, full-load chunk plans, conflicts.
        """
        CREATE TABLE data_sources (
            name        TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            kind        TEXT NOT NULL,
            server      TEXT NOT NULL,
            port        INTEGER NOT NULL,
            user_name   TEXT NOT NULL,
            database    TEXT,
            secret      BLOB NOT NULL,
            created     TEXT NOT NULL
        );
        CREATE TABLE tasks (
            name        TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            source      TEXT NOT NULL COLLATE NOCASE REFERENCES data_sources(name),
            target      TEXT NOT NULL COLLATE NOCASE REFERENCES data_sources(name),
            definition  TEXT NOT NULL,
            created     TEXT NOT NULL,
            updated     TEXT NOT NULL
        );
        CREATE TABLE task_runtime (
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            direction       TEXT NOT NULL,
            status          TEXT NOT NULL,
            phase           TEXT NOT NULL,
            message         TEXT,
            request         TEXT,
            worker_pid      INTEGER,
            worker_started  TEXT,
            heartbeat       TEXT,
            position        TEXT,
            lag_ms          INTEGER,
            rows_applied    INTEGER NOT NULL DEFAULT 0,
            rows_per_second REAL NOT NULL DEFAULT 0,
            txn_per_second  REAL NOT NULL DEFAULT 0,
            updated         TEXT NOT NULL,
            PRIMARY KEY (task, direction)
        );
        CREATE TABLE table_progress (
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            source_table    TEXT NOT NULL,
            target_table    TEXT NOT NULL,
            status          TEXT NOT NULL,
            rows_estimate   INTEGER NOT NULL DEFAULT 0,
            rows_copied     INTEGER NOT NULL DEFAULT 0,
            chunks_total    INTEGER NOT NULL DEFAULT 0,
            chunks_done     INTEGER NOT NULL DEFAULT 0,
            updated         TEXT NOT NULL,
            PRIMARY KEY (task, source_table)
        );
        CREATE TABLE chunk_plans (
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            source_table    TEXT NOT NULL,
            chunk_no        INTEGER NOT NULL,
            lower_key       TEXT,
            upper_key       TEXT,
            PRIMARY KEY (task, source_table, chunk_no)
        );
        CREATE TABLE conflicts (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            task            TEXT NOT NULL COLLATE NOCASE,
            direction       TEXT NOT NULL,
            table_name      TEXT NOT NULL,
            row_key         TEXT NOT NULL,
            type            TEXT NOT NULL,
            source_before   TEXT,
            source_after    TEXT,
            target_row      TEXT,
            policy          TEXT NOT NULL,
            outcome         TEXT NOT NULL,
            time            TEXT NOT NULL,
            resolved        TEXT,
            resolution      TEXT
        );
        CREATE INDEX conflicts_by_task ON conflicts(task, direction, time);
        """,
        // 2: table schemas by binlog position, so rows logged before a DDL decode with the shape they had.
        """
        CREATE TABLE schema_history (
            task          TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            direction     TEXT NOT NULL,
            database_name TEXT NOT NULL,
            table_name    TEXT NOT NULL,
            file_seq      INTEGER NOT NULL,
            position      INTEGER NOT NULL,
            schema_json   TEXT NOT NULL,
            PRIMARY KEY (task, direction, database_name, table_name, file_seq, position)
        );
        """,
        // 3: data verification: runs, per-table results and the row-level differences found.
        """
        CREATE TABLE verification_runs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            task        TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            mode        TEXT NOT NULL,
            origin      TEXT NOT NULL,
            include     TEXT,
            since       TEXT,
            status      TEXT NOT NULL,
            message     TEXT,
            request     TEXT,
            worker_pid  INTEGER,
            heartbeat   TEXT,
            started     TEXT NOT NULL,
            finished    TEXT
        );
        CREATE INDEX verification_runs_by_task ON verification_runs(task, id);
        CREATE TABLE verification_tables (
            run_id            INTEGER NOT NULL REFERENCES verification_runs(id) ON DELETE CASCADE,
            source_table      TEXT NOT NULL,
            target_table      TEXT NOT NULL,
            status            TEXT NOT NULL,
            rows_estimate     INTEGER NOT NULL DEFAULT 0,
            source_rows       INTEGER NOT NULL DEFAULT 0,
            target_rows       INTEGER NOT NULL DEFAULT 0,
            chunks            INTEGER NOT NULL DEFAULT 0,
            missing_on_target INTEGER NOT NULL DEFAULT 0,
            extra_on_target   INTEGER NOT NULL DEFAULT 0,
            different         INTEGER NOT NULL DEFAULT 0,
            message           TEXT,
            updated           TEXT NOT NULL,
            PRIMARY KEY (run_id, source_table)
        );
        CREATE TABLE verification_differences (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id        INTEGER NOT NULL REFERENCES verification_runs(id) ON DELETE CASCADE,
            source_table  TEXT NOT NULL,
            target_table  TEXT NOT NULL,
            kind          TEXT NOT NULL,
            row_key       TEXT,
            key_values    TEXT,
            row_hash      TEXT,
            source_row    TEXT,
            target_row    TEXT,
            found         TEXT NOT NULL,
            repaired      TEXT
        );
        CREATE INDEX verification_differences_by_run ON verification_differences(run_id, source_table, key_values);
        """,
        // 4: DDL synchronization. A history row also says whether the table belongs to the task from that
        // position on, and under which mapping; the DDL log records what each DDL met became.
        """
        ALTER TABLE schema_history ADD COLUMN mapping_json TEXT;
        ALTER TABLE schema_history ADD COLUMN member INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE ddl_log (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            direction       TEXT NOT NULL,
            file_seq        INTEGER NOT NULL,
            position        INTEGER NOT NULL,
            start_position  TEXT NOT NULL,
            end_position    TEXT NOT NULL,
            database_name   TEXT NOT NULL,
            statement       TEXT NOT NULL,
            table_name      TEXT,
            target_sql      TEXT,
            outcome         TEXT NOT NULL,
            reason          TEXT,
            time            TEXT NOT NULL,
            UNIQUE (task, direction, file_seq, position)
        );
        """,
        // 5: the skew between a direction's two servers' clocks, as its worker measured it (NewerWins compares their times).
        """
        ALTER TABLE task_runtime ADD COLUMN clock_skew_ms INTEGER;
        """,
        // 6: cut-over (Switch-OmsTask): one per task, with its options and the position the forward direction
        // stopped at, and each step's state, so a cut-over cut short resumes at the step it was in.
        """
        CREATE TABLE IF NOT EXISTS cutovers (
            task            TEXT NOT NULL PRIMARY KEY COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            status          TEXT NOT NULL,
            options         TEXT NOT NULL,
            position        TEXT,
            message         TEXT,
            worker_pid      INTEGER,
            started         TEXT NOT NULL,
            updated         TEXT NOT NULL,
            finished        TEXT
        );
        CREATE TABLE IF NOT EXISTS cutover_steps (
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES cutovers(task) ON DELETE CASCADE,
            ordinal         INTEGER NOT NULL,
            step            TEXT NOT NULL,
            status          TEXT NOT NULL,
            detail          TEXT,
            started         TEXT,
            finished        TEXT,
            PRIMARY KEY (task, step)
        );
        """,
        // 7: alerts (Set-OmsAlert): each with the time its condition started and cleared, and how delivering it went.
        """
        CREATE TABLE IF NOT EXISTS alerts (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            kind            TEXT NOT NULL,
            direction       TEXT,
            started         TEXT NOT NULL,
            cleared         TEXT,
            message         TEXT NOT NULL,
            delivered       INTEGER NOT NULL DEFAULT 0,
            delivery_error  TEXT
        );
        CREATE INDEX IF NOT EXISTS alerts_by_task ON alerts(task, cleared);
        """,
        // 8: the -StopAfter phase a direction has stopped after, so that resuming goes on past it instead of stopping again.
        """
        ALTER TABLE task_runtime ADD COLUMN stopped_after TEXT;
        """,
        // 9: tables that joined a task after its full copy (Set-OmsTask -Include on a task that has run): up to where each
        // one's changes are replayed idempotently (forward; NULL while its copy runs), or that it is joining (reverse). And
        // the tables each direction's change stream last started with.
        """
        ALTER TABLE task_runtime ADD COLUMN tables TEXT;
        CREATE TABLE IF NOT EXISTS table_windows (
            task            TEXT NOT NULL COLLATE NOCASE REFERENCES tasks(name) ON DELETE CASCADE,
            direction       TEXT NOT NULL,
            source_table    TEXT NOT NULL,
            until_position  TEXT,
            PRIMARY KEY (task, direction, source_table)
        );
        """,
        // 10: how a data source connects beyond its address and credential (a Kafka cluster's TLS and SASL), as JSON.
        """
        ALTER TABLE data_sources ADD COLUMN options TEXT;
        """,
    ];

    public static int LatestVersion => Steps.Length;

    public static void Migrate(SqliteConnection connection)
    {
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
        // BEGIN IMMEDIATE takes the write lock first, so two processes upgrading at once serialise.
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = CurrentVersion(connection, transaction);
        if (version > Steps.Length)
            throw new InvalidOperationException(
                $"The state store '{connection.DataSource}' was written by a newer OmsSync (schema {version}, this one knows {Steps.Length}). Update OmsSync.");
        for (var step = version; step < Steps.Length; step++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Steps[step] + $"\nPRAGMA user_version = {step + 1};";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static long CurrentVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }
}
