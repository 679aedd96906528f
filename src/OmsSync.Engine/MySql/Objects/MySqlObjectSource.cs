using System.Data.Common;
using MySqlConnector;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;

namespace OmsSync.Engine.MySql.Objects;

/// <summary>
/// A MySQL-family source's routines, triggers, events and sequences: which exist from information_schema, each routine's
/// and event's definition from SHOW CREATE (exactly as the server keeps it), a sequence's state from its own row, and
/// each table's next AUTO_INCREMENT value.
/// </summary>
internal sealed class MySqlObjectSource : IObjectSource
{
    private readonly MySqlEndpoint _source;

    public MySqlObjectSource(MySqlEndpoint source) => _source = source;

    public async Task<IReadOnlyList<StoredObject>> ReadAsync(IReadOnlyCollection<string> databases, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<StoredObject>();
        foreach (var database in databases)
        {
            found.AddRange(await SequencesAsync(connection, database, cancellationToken).ConfigureAwait(false));
            found.AddRange(await RoutinesAsync(connection, database, cancellationToken).ConfigureAwait(false));
            found.AddRange(await TriggersAsync(connection, database, cancellationToken).ConfigureAwait(false));
            found.AddRange(await EventsAsync(connection, database, cancellationToken).ConfigureAwait(false));
        }
        return found;
    }

    private async Task<List<StoredObject>> RoutinesAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var listed = await RowsAsync(connection,
            "SELECT ROUTINE_NAME, ROUTINE_TYPE, DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = @db ORDER BY ROUTINE_TYPE, ROUTINE_NAME", database,
            r => (Name: Text(r, 0)!, Type: Text(r, 1)!, Definer: Text(r, 2)!), cancellationToken).ConfigureAwait(false);
        var result = new List<StoredObject>();
        foreach (var (name, type, definer) in listed)
        {
            if (type is not ("PROCEDURE" or "FUNCTION"))
            {
                // MariaDB's Oracle-mode packages; a package body is listed with its package.
                if (type == "PACKAGE") result.Add(new ListedObject(StoredObjectKind.Package, database, name));
                continue;
            }
            var kind = type == "PROCEDURE" ? StoredObjectKind.Procedure : StoredObjectKind.Function;
            var shown = await ShowCreateAsync(connection, $"SHOW CREATE {type} {MySqlSyntax.QuoteQualified(database, name)}", cancellationToken).ConfigureAwait(false);
            var statement = shown[2] ?? throw Unreadable(kind, database, name, "SELECT on mysql.proc (MariaDB) or SHOW_ROUTINE (MySQL 8)");
            result.Add(new RoutineDefinition(kind, database, name, statement,
                new ProgramSession(definer, shown[1] ?? "", shown[3], shown[4])));
        }
        return result;
    }

    private static Task<List<StoredObject>> TriggersAsync(MySqlConnection connection, string database, CancellationToken cancellationToken) =>
        RowsAsync<StoredObject>(connection,
            "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT, DEFINER, SQL_MODE, " +
            "CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = @db " +
            "ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER", database,
            r => new TriggerDefinition(database, Text(r, 0)!, Text(r, 1)!, Text(r, 2)!, Text(r, 3)!, Convert.ToInt32(r.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                Text(r, 5)!, new ProgramSession(Text(r, 6)!, Text(r, 7) ?? "", Text(r, 8), Text(r, 9))), cancellationToken);

    private async Task<List<StoredObject>> EventsAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var listed = await RowsAsync(connection,
            "SELECT EVENT_NAME, STATUS, DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = @db ORDER BY EVENT_NAME", database,
            r => (Name: Text(r, 0)!, Status: Text(r, 1)!, Definer: Text(r, 2)!), cancellationToken).ConfigureAwait(false);
        var result = new List<StoredObject>();
        foreach (var (name, status, definer) in listed)
        {
            // Event, sql_mode, time_zone, Create Event, character_set_client, collation_connection, Database Collation.
            var shown = await ShowCreateAsync(connection, $"SHOW CREATE EVENT {MySqlSyntax.QuoteQualified(database, name)}", cancellationToken).ConfigureAwait(false);
            var statement = shown[3] ?? throw Unreadable(StoredObjectKind.Event, database, name, "the EVENT privilege on its database");
            result.Add(new EventDefinition(database, name, statement, status, new ProgramSession(definer, shown[1] ?? "", shown[4], shown[5], shown[2])));
        }
        return result;
    }

    private static async Task<List<StoredObject>> SequencesAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var names = await RowsAsync(connection,
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME", database,
            r => Text(r, 0)!, cancellationToken).ConfigureAwait(false);
        var result = new List<StoredObject>();
        foreach (var name in names)
        {
            await using var command = new MySqlCommand(
                "SELECT next_not_cached_value, minimum_value, maximum_value, start_value, increment, cache_size, cycle_option, cycle_count FROM " +
                MySqlSyntax.QuoteQualified(database, name), connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) continue;
            long L(int i) => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            result.Add(new SequenceDefinition(database, name, Start: L(3), Minimum: L(1), Maximum: L(2), Increment: L(4), Cache: L(5), Cycle: L(6) != 0,
                Next: L(0), Round: L(7)));
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, long>> NextIdsAsync(IReadOnlyList<TaskTable> tables, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        // MySQL 8 caches information_schema's table statistics; MariaDB has no such setting.
        try { await ExecuteAsync(connection, "SET SESSION information_schema_stats_expiry = 0", cancellationToken).ConfigureAwait(false); }
        catch (MySqlException) { }
        foreach (var group in tables.Where(t => t.Schema.Columns.Any(c => c.AutoIncrement)).GroupBy(t => t.Mapping.SourceDatabase))
        {
            var counters = (await RowsAsync(connection,
                    "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = @db AND AUTO_INCREMENT IS NOT NULL", group.Key,
                    r => (Table: Text(r, 0)!, Next: Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false))
                .ToDictionary(c => c.Table, c => c.Next, StringComparer.Ordinal);
            foreach (var table in group)
                if (counters.TryGetValue(table.Mapping.SourceTable, out var next))
                    result[table.Mapping.Source] = next;
        }
        return result;
    }

    public async Task RetireAsync(IReadOnlyList<PlannedObject> moved, Action<string> done, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var planned in moved)
        {
            switch (planned.Source)
            {
                case TriggerDefinition trigger:
                    // MySQL-family servers cannot disable a trigger: it goes, and its definition is kept for a switch back.
                    await ExecuteAsync(connection, $"DROP TRIGGER IF EXISTS {MySqlSyntax.QuoteQualified(trigger.Database, trigger.Name)}", cancellationToken).ConfigureAwait(false);
                    done($"dropped {trigger} on the source (it runs on the target now); to restore it: " +
                         ProgramText.CreateTrigger(trigger, trigger.Database, trigger.Table, keepDefiner: true, orReplace: false, rename: null));
                    break;
                case EventDefinition { Enabled: true } e:
                    // The status a replica gives the events it holds: kept, not run.
                    await ExecuteAsync(connection, $"ALTER EVENT {MySqlSyntax.QuoteQualified(e.Database, e.Name)} DISABLE ON SLAVE", cancellationToken).ConfigureAwait(false);
                    done($"set {e} to DISABLE ON SLAVE on the source (it runs on the target now); to restore it: ALTER EVENT {MySqlSyntax.QuoteQualified(e.Database, e.Name)} ENABLE");
                    break;
            }
        }
    }

    private static OmsException Unreadable(StoredObjectKind kind, string database, string name, string privilege) =>
        new("ObjectDefinitionUnreadable", OmsErrorKind.PermissionDenied, $"{database}.{name}",
            $"The definition of {kind.ToString().ToLowerInvariant()} {database}.{name} cannot be read on the source: the task's user needs {privilege}, " +
            "or to be its definer. Grant it, or exclude the object with -Exclude.");

    /// <summary>A SHOW CREATE row's columns as text (NULL where the server withholds the definition).</summary>
    private static async Task<string?[]> ShowCreateAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new SchemaException($"{sql} returned nothing.");
        var values = new string?[reader.FieldCount];
        for (var i = 0; i < values.Length; i++) values[i] = Text(reader, i);
        return values;
    }

    private static async Task<List<T>> RowsAsync<T>(MySqlConnection connection, string sql, string database, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@db", database);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }

    private static string? Text(DbDataReader reader, int i)
    {
        if (reader.IsDBNull(i)) return null;
        var value = reader.GetValue(i);
        return value as string ?? (value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
