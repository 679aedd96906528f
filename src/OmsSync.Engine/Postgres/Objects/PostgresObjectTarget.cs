using Npgsql;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Postgres.Objects;

/// <summary>
/// What a PostgreSQL target takes of a MySQL-family source's objects beyond tables: its sequences, made with the
/// schema at the source's value and moved on at cut-over with the identity columns. Stored programs are MySQL's
/// dialect, which PostgreSQL does not run: they are left behind, and the pre-check names each.
/// </summary>
internal sealed class PostgresObjectTarget : IObjectTarget
{
    private readonly PostgresEndpoint _target;

    public PostgresObjectTarget(PostgresEndpoint target) => _target = target;

    public string? Refusal(StoredObject source) => source.Kind == StoredObjectKind.Sequence ? null
        : $"PostgreSQL does not run MySQL's stored program language; write the {source.Kind.ToString().ToLowerInvariant()} in PL/pgSQL on the target.";

    public async Task CreateWithSchemaAsync(ObjectPlan plan, bool beforeTables, OperationNotes notes, CancellationToken cancellationToken)
    {
        if (beforeTables) return; // no PostgreSQL table default draws from a migrated sequence
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var planned in plan.Of(StoredObjectKind.Sequence))
        {
            var s = (SequenceDefinition)planned.Source;
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {PostgresSyntax.QuoteIdentifier(planned.TargetDatabase)}", cancellationToken).ConfigureAwait(false);
            var name = PostgresSyntax.QuoteQualified(planned.TargetDatabase, planned.TargetName);
            await ExecuteAsync(connection,
                $"CREATE SEQUENCE IF NOT EXISTS {name} INCREMENT BY {s.Increment} MINVALUE {s.Minimum} MAXVALUE {s.Maximum} START WITH {s.Start} " +
                $"CACHE {Math.Max(1, s.Cache)} {(s.Cycle ? "CYCLE" : "NO CYCLE")}", cancellationToken).ConfigureAwait(false);
            await PostgresCounters.MoveToAsync(connection, name, s.Next, s.Increment, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task AddVersioningAsync(IReadOnlyList<TaskTable> tables, OperationNotes notes, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CreateProgramsAsync(ObjectPlan plan, OperationNotes notes, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task MoveCountersAsync(IReadOnlyList<TaskTable> tables, IReadOnlyDictionary<string, long> nextIds, ObjectPlan plan, OperationNotes notes,
        CancellationToken cancellationToken)
    {
        await using var connection = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            if (!nextIds.TryGetValue(table.Mapping.Source, out var next)) continue;
            var quoted = PostgresSyntax.QuoteQualified(table.Mapping.TargetDatabase, table.Mapping.TargetTable);
            foreach (var column in table.Schema.Columns.Where(c => c.AutoIncrement))
                if (await PostgresCounters.SequenceOfAsync(connection, quoted, column.Name, cancellationToken).ConfigureAwait(false) is { } sequence
                    && await PostgresCounters.MoveToAsync(connection, sequence, next, 1, cancellationToken).ConfigureAwait(false))
                    notes.Detail($"Table {table.Mapping.Target}: identity column {column.Name} moved on to {next}, past what the source handed out.");
        }
        foreach (var planned in plan.Of(StoredObjectKind.Sequence))
        {
            var s = (SequenceDefinition)planned.Source;
            await PostgresCounters.MoveToAsync(connection, PostgresSyntax.QuoteQualified(planned.TargetDatabase, planned.TargetName), s.Next, s.Increment, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
