using System.Data.Common;

namespace OmsSync.Engine.State;

/// <summary>
/// Versioned schema of the state store, one list of steps for every backend: column types are {tokens} each
/// <see cref="StateDialect"/> renders in its own words. Each entry upgrades from the previous version. Never edit a
/// released step: add a new one.
/// </summary>
internal static class StateSchema
{
    private static readonly string[] Steps =
    [
        // 1: data sources, tasks, runtime state, per-table progress, full-load chunk plans, conflicts.
        """
        CREATE TABLE data_sources (
            name        {name} NOT NULL PRIMARY KEY,
            kind        {text} NOT NULL,
            server      {text} NOT NULL,
            port        {int} NOT NULL,
            user_name   {text} NOT NULL,
            "database"  {text},
            secret      {blob} NOT NULL,
            created     {text} NOT NULL
        );
        CREATE TABLE tasks (
            name        {name} NOT NULL PRIMARY KEY,
            source      {name} NOT NULL REFERENCES data_sources(name) {deferrable},
            target      {name} NOT NULL REFERENCES data_sources(name) {deferrable},
            definition  {text} NOT NULL,
            created     {text} NOT NULL,
            updated     {text} NOT NULL
        );
        CREATE TABLE task_runtime (
            task            {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            direction       {key} NOT NULL,
            status          {text} NOT NULL,
            phase           {text} NOT NULL,
            message         {text},
            request         {text},
            worker_pid      {int},
            worker_started  {text},
            heartbeat       {text},
            position        {text},
            lag_ms          {int},
            rows_applied    {int} NOT NULL DEFAULT 0,
            rows_per_second {real} NOT NULL DEFAULT 0,
            txn_per_second  {real} NOT NULL DEFAULT 0,
            updated         {text} NOT NULL,
            PRIMARY KEY (task, direction)
        );
        CREATE TABLE table_progress (
            task            {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            source_table    {key} NOT NULL,
            target_table    {text} NOT NULL,
            status          {text} NOT NULL,
            rows_estimate   {int} NOT NULL DEFAULT 0,
            rows_copied     {int} NOT NULL DEFAULT 0,
            chunks_total    {int} NOT NULL DEFAULT 0,
            chunks_done     {int} NOT NULL DEFAULT 0,
            updated         {text} NOT NULL,
            PRIMARY KEY (task, source_table)
        );
        CREATE TABLE chunk_plans (
            task            {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            source_table    {key} NOT NULL,
            chunk_no        {int} NOT NULL,
            lower_key       {text},
            upper_key       {text},
            PRIMARY KEY (task, source_table, chunk_no)
        );
        CREATE TABLE conflicts (
            id              {id},
            task            {name} NOT NULL,
            direction       {key} NOT NULL,
            table_name      {key} NOT NULL,
            row_key         {text} NOT NULL,
            type            {text} NOT NULL,
            source_before   {text},
            source_after    {text},
            target_row      {text},
            policy          {text} NOT NULL,
            outcome         {text} NOT NULL,
            time            {key} NOT NULL,
            resolved        {text},
            resolution      {text}
        );
        CREATE INDEX conflicts_by_task ON conflicts(task, direction, time);
        """,
        // 2: table schemas by binlog position, so rows logged before a DDL decode with the shape they had.
        """
        CREATE TABLE schema_history (
            task          {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            direction     {key} NOT NULL,
            database_name {key} NOT NULL,
            table_name    {key} NOT NULL,
            file_seq      {int} NOT NULL,
            position      {int} NOT NULL,
            schema_json   {text} NOT NULL,
            PRIMARY KEY (task, direction, database_name, table_name, file_seq, position)
        );
        """,
        // 3: data verification: runs, per-table results and the row-level differences found.
        """
        CREATE TABLE verification_runs (
            id          {id},
            task        {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            mode        {text} NOT NULL,
            origin      {text} NOT NULL,
            include     {text},
            since       {text},
            status      {text} NOT NULL,
            message     {text},
            request     {text},
            worker_pid  {int},
            heartbeat   {text},
            started     {text} NOT NULL,
            finished    {text}
        );
        CREATE INDEX verification_runs_by_task ON verification_runs(task, id);
        CREATE TABLE verification_tables (
            run_id            {int} NOT NULL REFERENCES verification_runs(id) ON DELETE CASCADE {deferrable},
            source_table      {key} NOT NULL,
            target_table      {text} NOT NULL,
            status            {text} NOT NULL,
            rows_estimate     {int} NOT NULL DEFAULT 0,
            source_rows       {int} NOT NULL DEFAULT 0,
            target_rows       {int} NOT NULL DEFAULT 0,
            chunks            {int} NOT NULL DEFAULT 0,
            missing_on_target {int} NOT NULL DEFAULT 0,
            extra_on_target   {int} NOT NULL DEFAULT 0,
            different         {int} NOT NULL DEFAULT 0,
            message           {text},
            updated           {text} NOT NULL,
            PRIMARY KEY (run_id, source_table)
        );
        CREATE TABLE verification_differences (
            id            {id},
            run_id        {int} NOT NULL REFERENCES verification_runs(id) ON DELETE CASCADE {deferrable},
            source_table  {key} NOT NULL,
            target_table  {text} NOT NULL,
            kind          {text} NOT NULL,
            row_key       {text},
            key_values    {text},
            row_hash      {text},
            source_row    {text},
            target_row    {text},
            found         {text} NOT NULL,
            repaired      {text}
        );
        CREATE INDEX verification_differences_by_run ON verification_differences(run_id, source_table, key_values{prefix});
        """,
        // 4: DDL synchronization. A history row also says whether the table belongs to the task from that
        // position on, and under which mapping; the DDL log records what each DDL met became.
        """
        ALTER TABLE schema_history ADD COLUMN mapping_json {text};
        ALTER TABLE schema_history ADD COLUMN member {int} NOT NULL DEFAULT 1;
        CREATE TABLE ddl_log (
            id              {id},
            task            {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            direction       {key} NOT NULL,
            file_seq        {int} NOT NULL,
            position        {int} NOT NULL,
            start_position  {text} NOT NULL,
            end_position    {text} NOT NULL,
            database_name   {key} NOT NULL,
            statement       {text} NOT NULL,
            table_name      {key},
            target_sql      {text},
            outcome         {text} NOT NULL,
            reason          {text},
            time            {key} NOT NULL,
            UNIQUE (task, direction, file_seq, position)
        );
        """,
        // 5: the skew between a direction's two servers' clocks, as its worker measured it (NewerWins compares their times).
        """
        ALTER TABLE task_runtime ADD COLUMN clock_skew_ms {int};
        """,
        // 6: cut-over (Switch-OmsTask): one per task, with its options and the position the forward direction
        // stopped at, and each step's state, so a cut-over cut short resumes at the step it was in.
        """
        CREATE TABLE IF NOT EXISTS cutovers (
            task            {name} NOT NULL PRIMARY KEY REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            status          {text} NOT NULL,
            options         {text} NOT NULL,
            position        {text},
            message         {text},
            worker_pid      {int},
            started         {text} NOT NULL,
            updated         {text} NOT NULL,
            finished        {text}
        );
        CREATE TABLE IF NOT EXISTS cutover_steps (
            task            {name} NOT NULL REFERENCES cutovers(task) ON DELETE CASCADE {deferrable},
            ordinal         {int} NOT NULL,
            step            {key} NOT NULL,
            status          {text} NOT NULL,
            detail          {text},
            started         {text},
            finished        {text},
            PRIMARY KEY (task, step)
        );
        """,
        // 7: alerts (Set-OmsAlert): each with the time its condition started and cleared, and how delivering it went.
        """
        CREATE TABLE IF NOT EXISTS alerts (
            id              {id},
            task            {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            kind            {text} NOT NULL,
            direction       {key},
            started         {text} NOT NULL,
            cleared         {key},
            message         {text} NOT NULL,
            delivered       {int} NOT NULL DEFAULT 0,
            delivery_error  {text}
        );
        CREATE INDEX IF NOT EXISTS alerts_by_task ON alerts(task, cleared);
        """,
        // 8: the -StopAfter phase a direction has stopped after, so that resuming goes on past it instead of stopping again.
        """
        ALTER TABLE task_runtime ADD COLUMN stopped_after {text};
        """,
        // 9: tables that joined a task after its full copy (Set-OmsTask -Include on a task that has run): up to where each
        // one's changes are replayed idempotently (forward; NULL while its copy runs), or that it is joining (reverse). And
        // the tables each direction's change stream last started with.
        """
        ALTER TABLE task_runtime ADD COLUMN tables {text};
        CREATE TABLE IF NOT EXISTS table_windows (
            task            {name} NOT NULL REFERENCES tasks(name) ON DELETE CASCADE {deferrable},
            direction       {key} NOT NULL,
            source_table    {key} NOT NULL,
            until_position  {text},
            PRIMARY KEY (task, direction, source_table)
        );
        """,
        // 10: how a data source connects beyond its address and credential (a Kafka cluster's TLS and SASL), as JSON.
        """
        ALTER TABLE data_sources ADD COLUMN options {text};
        """,
    ];

    public static int LatestVersion => Steps.Length;

    /// <summary>
    /// Brings the store's schema to <see cref="LatestVersion"/>. SQLite keeps its version in PRAGMA user_version and upgrades
    /// under BEGIN IMMEDIATE, so two processes upgrading at once serialise. A server backend keeps one row per step applied
    /// in schema_steps and upgrades under an advisory lock (GET_LOCK, pg_advisory_lock): the second process waits, then
    /// finds the steps applied. Each step commits with its row (PostgreSQL's DDL is transactional; MySQL-family DDL commits
    /// by itself, so a step cut short there needs its statements looked at by hand).
    /// </summary>
    public static void Migrate(StateDialect dialect, DbConnection connection)
    {
        // Every cmdlet and worker opens the store: one that is up to date is not locked to be told so.
        if (dialect.Type != StateStoreType.Sqlite && AppliedSteps(connection) == Steps.Length) return;
        dialect.LockSchema(connection);
        try
        {
            if (dialect.Type == StateStoreType.Sqlite) MigrateSqlite(dialect, connection);
            else MigrateServer(dialect, connection);
        }
        finally
        {
            dialect.UnlockSchema(connection);
        }
    }

    private static void MigrateSqlite(StateDialect dialect, DbConnection connection)
    {
        using var transaction = dialect.BeginWrite(connection);
        var version = (long)Scalar(connection, transaction, "PRAGMA user_version;")!;
        CheckNotNewer(version, connection.DataSource);
        for (var step = (int)version; step < Steps.Length; step++)
            Run(connection, transaction, dialect.Render(Steps[step]) + $"\nPRAGMA user_version = {step + 1};");
        transaction.Commit();
    }

    private static void MigrateServer(StateDialect dialect, DbConnection connection)
    {
        Run(connection, null, dialect.Render("CREATE TABLE IF NOT EXISTS schema_steps (step {int} NOT NULL PRIMARY KEY, applied {key} NOT NULL)"));
        var version = AppliedSteps(connection);
        CheckNotNewer(version, $"{connection.DataSource}/{connection.Database}");
        if (version == Steps.Length) return;
        dialect.Prepare(connection);
        for (var step = (int)version; step < Steps.Length; step++)
        {
            using var transaction = dialect.BeginWrite(connection);
            foreach (var statement in dialect.Render(Steps[step]).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                Run(connection, transaction, statement);
            // Beside the lock, the step's key: a second process recording the same step fails instead of applying it twice.
            Run(connection, transaction, $"INSERT INTO schema_steps(step, applied) VALUES ({step + 1}, '{DateTimeOffset.UtcNow:O}')");
            transaction.Commit();
        }
    }

    /// <summary>The steps a server store has applied; -1 before its first (no schema_steps yet).</summary>
    private static long AppliedSteps(DbConnection connection)
    {
        try
        {
            return Convert.ToInt64(Scalar(connection, null, "SELECT COALESCE(MAX(step), 0) FROM schema_steps"));
        }
        catch (DbException)
        {
            return -1;
        }
    }

    private static void CheckNotNewer(long version, string where)
    {
        if (version > Steps.Length)
            throw new InvalidOperationException(
                $"The state store '{where}' was written by a newer OmsSync (schema {version}, this one knows {Steps.Length}). Update OmsSync.");
    }

    /// <summary>The tables of the schema, parents before the tables that refer to them (the order a copy fills them in).</summary>
    public static readonly string[] Tables =
    [
        "data_sources", "tasks", "task_runtime", "table_progress", "chunk_plans", "conflicts", "schema_history", "verification_runs",
        "verification_tables", "verification_differences", "ddl_log", "cutovers", "cutover_steps", "alerts", "table_windows",
    ];

    private static void Run(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
