using MySqlConnector;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.MySql.Objects;

/// <summary>
/// Makes the objects beyond tables on a MySQL-family target. Each program is created in the session it was made in on
/// the source (SQL mode, client character set, an event's time zone), under the definer it has there when the target
/// knows that account and the task's user may name it; otherwise the task's user becomes the definer, and a warning
/// says so (a definer the target lacks would make every call, and every write to a trigger's table, fail).
/// </summary>
internal sealed class MySqlObjectTarget : IObjectTarget
{
    private readonly MySqlEndpoint _target;
    private readonly MigrationTask _task;
    private readonly Dictionary<string, bool?> _definers = new(StringComparer.Ordinal);
    // The task's user as the target names it: it does not change, and only warnings need it.
    private string? _user;

    public MySqlObjectTarget(MySqlEndpoint target, MigrationTask task)
    {
        _target = target;
        _task = task;
    }

    private DataSourceKind Kind => _target.Source.Kind;

    public string? Refusal(StoredObject source) => (source.Kind, Kind) switch
    {
        (StoredObjectKind.Sequence, DataSourceKind.MySql) => "MySQL has no sequences.",
        (StoredObjectKind.Sequence, DataSourceKind.OceanBaseMySql) => "OceanBase's sequences are not MariaDB's (their options and SETVAL differ); create it on the target yourself.",
        (StoredObjectKind.Procedure or StoredObjectKind.Function or StoredObjectKind.Trigger or StoredObjectKind.Event, DataSourceKind.TiDb) =>
            "TiDB runs no stored programs (procedures, functions, triggers, events).",
        (StoredObjectKind.Package, _) => "packages (MariaDB's Oracle mode) are not migrated; create them on the target yourself.",
        _ => null,
    };

    private bool IsMariaDb => Kind == DataSourceKind.MariaDb;

    public async Task CreateWithSchemaAsync(ObjectPlan plan, bool beforeTables, OperationNotes notes, CancellationToken cancellationToken)
    {
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (beforeTables)
        {
            foreach (var planned in plan.Of(StoredObjectKind.Sequence))
                await CreateSequenceAsync(connection, planned, (SequenceDefinition)planned.Source, cancellationToken).ConfigureAwait(false);
            return;
        }
        // Made once: a worker that runs its schema phase again (after cut-over too) leaves what is there alone.
        foreach (var planned in plan.Moved.Where(m => m.Source is RoutineDefinition))
            await CreateRoutineAsync(connection, plan, planned, replace: false, notes, cancellationToken).ConfigureAwait(false);
        // Events wait, disabled, for cut-over: they would write the target beside the synchronization.
        foreach (var planned in plan.Of(StoredObjectKind.Event))
            await CreateEventAsync(connection, plan, planned, "DISABLE", replace: false, notes, cancellationToken).ConfigureAwait(false);
    }

    public async Task CreateProgramsAsync(ObjectPlan plan, OperationNotes notes, CancellationToken cancellationToken)
    {
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var planned in plan.Moved.Where(m => m.Source is RoutineDefinition))
            await CreateRoutineAsync(connection, plan, planned, replace: true, notes, cancellationToken).ConfigureAwait(false);
        // A table's triggers of one timing and event fire in creation order: all of them go, then come back in the source's order.
        var triggers = plan.Of(StoredObjectKind.Trigger).ToList();
        foreach (var planned in triggers)
            await ExecuteAsync(connection, $"DROP TRIGGER IF EXISTS {MySqlSyntax.QuoteQualified(planned.TargetDatabase, planned.TargetName)}", cancellationToken).ConfigureAwait(false);
        FaultPoints.Hit(_task.Name, "cutover-triggers-dropped");
        foreach (var planned in triggers.OrderBy(t => t.TargetTable).ThenBy(t => ((TriggerDefinition)t.Source).Order))
        {
            var trigger = (TriggerDefinition)planned.Source;
            await CreateAsync(connection, planned, trigger.Session, trigger.Database, replace: true,
                keep => ProgramText.CreateTrigger(trigger, planned.TargetDatabase, planned.TargetTable!, keep, orReplace: false, plan.Rename, plan.RenameRoutine), notes, cancellationToken).ConfigureAwait(false);
        }
        foreach (var planned in plan.Of(StoredObjectKind.Event))
        {
            var status = ((EventDefinition)planned.Source).Status switch { "ENABLED" => "ENABLE", "DISABLED" => "DISABLE", _ => "DISABLE ON SLAVE" };
            await CreateEventAsync(connection, plan, planned, status, replace: true, notes, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task CreateRoutineAsync(MySqlConnection connection, ObjectPlan plan, PlannedObject planned, bool replace, OperationNotes notes, CancellationToken cancellationToken)
    {
        var routine = (RoutineDefinition)planned.Source;
        return CreateAsync(connection, planned, routine.Session, routine.Database, replace,
            keep => ProgramText.Create(routine.CreateStatement, routine.Database, keep, replace && IsMariaDb, null, plan.Rename, plan.RenameRoutine, planned.TargetDatabase), notes, cancellationToken);
    }

    private Task CreateEventAsync(MySqlConnection connection, ObjectPlan plan, PlannedObject planned, string status, bool replace, OperationNotes notes,
        CancellationToken cancellationToken)
    {
        var e = (EventDefinition)planned.Source;
        return CreateAsync(connection, planned, e.Session, e.Database, replace,
            keep => ProgramText.Create(e.CreateStatement, e.Database, keep, replace && IsMariaDb, status, plan.Rename, plan.RenameRoutine, planned.TargetDatabase), notes, cancellationToken);
    }

    /// <summary>
    /// Creates one program in its target database and its own session. Replacing, another server than MariaDB has no
    /// OR REPLACE, so the old one is dropped first; otherwise one that exists is left as it is. The definer is kept when
    /// the target has that account, else the task's user is it.
    /// </summary>
    private async Task CreateAsync(MySqlConnection connection, PlannedObject planned, ProgramSession session, string sourceDatabase, bool replace,
        Func<bool, string> statement, OperationNotes notes, CancellationToken cancellationToken)
    {
        var what = $"{planned.Source.Kind.ToString().ToLowerInvariant()} {planned.Target}";
        if (!replace && await ExistsAsync(connection, planned, cancellationToken).ConfigureAwait(false)) return;
        var keep = await DefinerExistsAsync(connection, session, cancellationToken).ConfigureAwait(false);
        if (keep != true)
        {
            var user = await UserAsync(connection, cancellationToken).ConfigureAwait(false);
            notes.Warn($"{Capitalized(what)}: its definer {session.Definer} {(keep is null ? "could not be looked up" : "does not exist")} on the target, " +
                       $"so it is created with the task's user {user} as its definer instead (SHOW CREATE shows it).");
        }
        await PrepareSessionAsync(connection, session, planned.TargetDatabase, cancellationToken).ConfigureAwait(false);
        if (replace && !IsMariaDb && planned.Source.Kind != StoredObjectKind.Trigger)
            await ExecuteAsync(connection, $"DROP {planned.Source.Kind.ToString().ToUpperInvariant()} IF EXISTS {MySqlSyntax.QuoteQualified(planned.TargetDatabase, planned.TargetName)}",
                cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await ExecuteAsync(connection, statement(keep == true), cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e) when (keep == true && e.ErrorCode is MySqlErrorCode.SpecifiedAccessDeniedError or MySqlErrorCode.AccessDenied)
            {
                // Naming another account as definer takes SUPER (SET USER on MariaDB 10.5+, SET_USER_ID on MySQL).
                var user = await UserAsync(connection, cancellationToken).ConfigureAwait(false);
                notes.Warn($"{Capitalized(what)}: the task's user {user} may not create objects for another definer ({e.Message}), " +
                           $"so {user} is its definer instead of {session.Definer}.");
                await ExecuteAsync(connection, statement(false), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MySqlException e)
        {
            throw new OmsException("ObjectNotCreated", OmsErrorKind.InvalidState, planned.Target,
                $"{Capitalized(what)} (from {planned.Source.QualifiedName}) could not be created on the target: {e.Message} " +
                $"Fix the cause, or exclude the object with Set-OmsTask -Exclude '{sourceDatabase}.{planned.Source.Name}' before the task runs.", e);
        }
        finally
        {
            await ExecuteAsync(connection, "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', character_set_client = utf8mb4, " +
                                           "collation_connection = utf8mb4_general_ci, time_zone = '+00:00'", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ExistsAsync(MySqlConnection connection, PlannedObject planned, CancellationToken cancellationToken)
    {
        var (db, name) = (MySqlSyntax.QuoteString(planned.TargetDatabase), MySqlSyntax.QuoteString(planned.TargetName));
        var sql = planned.Source.Kind == StoredObjectKind.Event
            ? $"SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = {db} AND EVENT_NAME = {name}"
            : $"SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = {db} AND ROUTINE_NAME = {name} " +
              $"AND ROUTINE_TYPE = '{planned.Source.Kind.ToString().ToUpperInvariant()}'";
        return await ScalarTextAsync(connection, sql, cancellationToken).ConfigureAwait(false) is { } count && count != "0";
    }

    private static async Task PrepareSessionAsync(MySqlConnection connection, ProgramSession session, string database, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "USE " + MySqlSyntax.QuoteIdentifier(database), cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand("SET SESSION sql_mode = @mode", connection);
        command.Parameters.AddWithValue("@mode", session.SqlMode);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        // The statement travels as UTF-8: a program made under another client character set keeps utf8mb4's.
        if (session.CharacterSetClient is "utf8" or "utf8mb3" or "utf8mb4" && session.CollationConnection is { } collation && collation.StartsWith("utf8", StringComparison.Ordinal))
            await ExecuteAsync(connection, $"SET SESSION character_set_client = {session.CharacterSetClient}, collation_connection = {collation}", cancellationToken).ConfigureAwait(false);
        if (session.TimeZone is { } zone)
        {
            await using var tz = new MySqlCommand("SET SESSION time_zone = @tz", connection);
            tz.Parameters.AddWithValue("@tz", zone);
            await tz.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when the target has the definer's account, false when it has not, null when the task's user may not look.</summary>
    public async Task<bool?> DefinerExistsAsync(ProgramSession session, CancellationToken cancellationToken)
    {
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await DefinerExistsAsync(connection, session, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> UserAsync(MySqlConnection connection, CancellationToken cancellationToken) =>
        _user ??= await ScalarTextAsync(connection, "SELECT CURRENT_USER()", cancellationToken).ConfigureAwait(false);

    private async Task<bool?> DefinerExistsAsync(MySqlConnection connection, ProgramSession session, CancellationToken cancellationToken)
    {
        if (_definers.TryGetValue(session.Definer, out var known)) return known;
        var (user, host) = session.DefinerParts;
        bool? exists;
        try
        {
            await using var command = new MySqlCommand("SELECT COUNT(*) FROM mysql.user WHERE User = @u AND Host = @h", connection);
            command.Parameters.AddWithValue("@u", user);
            command.Parameters.AddWithValue("@h", host ?? "");
            exists = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        catch (MySqlException)
        {
            exists = null;
        }
        return _definers[session.Definer] = exists;
    }

    private async Task CreateSequenceAsync(MySqlConnection connection, PlannedObject planned, SequenceDefinition s, CancellationToken cancellationToken)
    {
        var name = MySqlSyntax.QuoteQualified(planned.TargetDatabase, planned.TargetName);
        // MariaDB keeps one value short of BIGINT's ends, where PostgreSQL's defaults lie.
        var (minimum, maximum) = (Math.Max(s.Minimum, long.MinValue + 1), Math.Min(s.Maximum, long.MaxValue - 1));
        await ExecuteAsync(connection,
            $"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {s.Start} MINVALUE {minimum} MAXVALUE {maximum} INCREMENT BY {s.Increment} " +
            (s.Cache > 0 ? $"CACHE {s.Cache}" : "NOCACHE") + (s.Cycle ? " CYCLE" : " NOCYCLE"), cancellationToken).ConfigureAwait(false);
        await SetSequenceAsync(connection, name, s, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a sequence on to where its source stands; SETVAL never moves one back.</summary>
    private async Task SetSequenceAsync(MySqlConnection connection, string name, SequenceDefinition s, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, IsMariaDb
            ? $"SELECT SETVAL({name}, {s.Next}, 0, {s.Round})"
            : $"SELECT SETVAL({name}, {s.Next - s.Increment})", cancellationToken).ConfigureAwait(false);

    public async Task AddVersioningAsync(IReadOnlyList<TaskTable> tables, OperationNotes notes, CancellationToken cancellationToken)
    {
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The rebuild is a bulk copy of rows already there: kept out of the binlog like the full copy, where the user may.
        if (!_task.FullLoadBinlog)
            try { await ExecuteAsync(connection, "SET SESSION sql_log_bin = 0", cancellationToken).ConfigureAwait(false); }
            catch (MySqlException) { }
        foreach (var table in tables.Where(t => t.Schema.Versioning is not null))
            await VersionAsync(connection, table, notes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rebuilds one table as system-versioned: its row versions go into a versioned copy with their own periods
    /// (system_versioning_insert_history), which then takes the table's name in one RENAME. Each step can be run again:
    /// a table that is versioned already only loses the leftover of a rebuild cut short.
    /// </summary>
    private async Task VersionAsync(MySqlConnection connection, TaskTable table, OperationNotes notes, CancellationToken cancellationToken)
    {
        var (database, name) = (table.Mapping.TargetDatabase, table.Mapping.TargetTable);
        var suffix = Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..10].ToLowerInvariant();
        var (shadow, previous) = ($"oms_vers_{suffix}", $"oms_prev_{suffix}");
        var drop = $"DROP TABLE IF EXISTS {MySqlSyntax.QuoteQualified(database, previous)}";
        if (await ScalarTextAsync(connection, $"SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = {MySqlSyntax.QuoteString(database)} AND TABLE_NAME = {MySqlSyntax.QuoteString(name)}",
                cancellationToken).ConfigureAwait(false) == "SYSTEM VERSIONED")
        {
            await ExecuteAsync(connection, drop, cancellationToken).ConfigureAwait(false);
            return;
        }
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {MySqlSyntax.QuoteQualified(database, shadow)}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, MySqlDdlWriter.CreateTable(table.Schema, table.TargetOptions with
        {
            TargetTable = shadow, VersioningDeferred = false, IncludeSecondaryIndexes = true, IfNotExists = false,
        }), cancellationToken).ConfigureAwait(false);
        var columns = string.Join(", ", MovingColumns.Of(table.Schema, table.Mapping).Select(c => MySqlSyntax.QuoteIdentifier(c.Name)));
        await ExecuteAsync(connection, "SET SESSION system_versioning_insert_history = 1", cancellationToken).ConfigureAwait(false);
        var copied = await ExecuteAsync(connection, $"INSERT INTO {MySqlSyntax.QuoteQualified(database, shadow)} ({columns}) SELECT {columns} FROM {MySqlSyntax.QuoteQualified(database, name)}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SET SESSION system_versioning_insert_history = 0", cancellationToken).ConfigureAwait(false);
        FaultPoints.Hit(_task.Name, "cutover-versioning-copied");
        await ExecuteAsync(connection, $"RENAME TABLE {MySqlSyntax.QuoteQualified(database, name)} TO {MySqlSyntax.QuoteQualified(database, previous)}, " +
                                       $"{MySqlSyntax.QuoteQualified(database, shadow)} TO {MySqlSyntax.QuoteQualified(database, name)}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, drop, cancellationToken).ConfigureAwait(false);
        notes.Detail($"Table {table.Mapping.Target} is system-versioned now, with its {copied} row version(s).");
    }

    public async Task MoveCountersAsync(IReadOnlyList<TaskTable> tables, IReadOnlyDictionary<string, long> nextIds, ObjectPlan plan, OperationNotes notes,
        CancellationToken cancellationToken)
    {
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        try { await ExecuteAsync(connection, "SET SESSION information_schema_stats_expiry = 0", cancellationToken).ConfigureAwait(false); }
        catch (MySqlException) { }
        foreach (var table in tables)
        {
            if (!nextIds.TryGetValue(table.Mapping.Source, out var next)) continue;
            var (database, name) = (table.Mapping.TargetDatabase, table.Mapping.TargetTable);
            var current = await ScalarTextAsync(connection,
                $"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = {MySqlSyntax.QuoteString(database)} AND TABLE_NAME = {MySqlSyntax.QuoteString(name)}",
                cancellationToken).ConfigureAwait(false);
            if (current is null || long.Parse(current, System.Globalization.CultureInfo.InvariantCulture) >= next) continue;
            await ExecuteAsync(connection, $"ALTER TABLE {MySqlSyntax.QuoteQualified(database, name)} AUTO_INCREMENT = {next}", cancellationToken).ConfigureAwait(false);
            notes.Detail($"Table {table.Mapping.Target}: AUTO_INCREMENT moved from {current} to {next}, past what the source handed out.");
        }
        foreach (var planned in plan.Of(StoredObjectKind.Sequence))
            await SetSequenceAsync(connection, MySqlSyntax.QuoteQualified(planned.TargetDatabase, planned.TargetName), (SequenceDefinition)planned.Source, cancellationToken)
                .ConfigureAwait(false);
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static async Task<string?> ScalarTextAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : value as string ?? (value is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<int> ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
