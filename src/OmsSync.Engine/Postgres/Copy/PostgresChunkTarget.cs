using System.Text.Json;
using Npgsql;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Postgres.Copy;

/// <summary>
/// PostgreSQL as the target of full migration: each chunk goes in with COPY ... FROM STDIN in binary format
/// (<see cref="PostgresCopyBuffer"/>) and a row
/// in oms.full_chunks, in one transaction. Under -NonEmptyTarget Ignore the chunk is copied into a temporary table
/// first and inserted with ON CONFLICT DO NOTHING; the rows kept on the target are recorded as conflicts.
/// </summary>
internal sealed class PostgresChunkTarget : IChunkTarget
{
    private readonly PostgresEndpoint _target;
    private readonly MigrationTask _task;
    private readonly IReadOnlyDictionary<string, TableSchema> _shapes;

    /// <param name="shapes">Each source table's (by "db.table") PostgreSQL table, as schema migration makes it.</param>
    public PostgresChunkTarget(PostgresEndpoint target, MigrationTask task, IReadOnlyDictionary<string, TableSchema> shapes)
    {
        _target = target;
        _task = task;
        _shapes = shapes;
    }

    public static string TargetName(TableCopyPlan plan) => PostgresSyntax.QuoteQualified(plan.Mapping.TargetDatabase, plan.Mapping.TargetTable);

    public async Task<IReadOnlyList<(string Table, int Chunk, long Rows)>> LoadedChunksAsync(CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresControlSchema.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresControlSchema.LockTaskAsync(target, transaction, _task.OmsKey, exclusive: true, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT source_table, chunk_no, rows_loaded FROM oms.full_chunks WHERE task = $1", target, transaction);
        command.Parameters.AddWithValue(_task.OmsKey);
        var done = new List<(string, int, long)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                done.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return done;
    }

    public async Task ForgetChunksAsync(string sourceTable, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM oms.full_chunks WHERE task = $1 AND source_table = $2", target);
        command.Parameters.AddWithValue(_task.OmsKey);
        command.Parameters.AddWithValue(sourceTable);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RefuseNonEmptyAsync(TableCopyPlan plan, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT 1 FROM {TargetName(plan)} LIMIT 1", target);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            throw MySqlChunkTarget.NonEmpty(plan);
    }

    public ChunkBuffer NewBuffer() => new PostgresCopyBuffer(_shapes);

    public async Task<IChunkWriter> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A chunk lost to a server crash loses its marker with it, so the copy need not wait for the disk.
        await using var session = new NpgsqlCommand("SET synchronous_commit = off", target);
        await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new Writer(target, _task);
    }

    /// <summary>Identity columns continue after the copied values, as AUTO_INCREMENT does on MySQL.</summary>
    public async Task FinishAsync(IReadOnlyList<TableCopyPlan> plans, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var plan in plans)
        {
            await using var find = new NpgsqlCommand(
                "SELECT a.attname::text, pg_get_serial_sequence($1, a.attname) FROM pg_attribute a " +
                "WHERE a.attrelid = $1::regclass AND a.attidentity <> '' AND NOT a.attisdropped", target);
            find.Parameters.AddWithValue(TargetName(plan));
            var identities = new List<(string Column, string Sequence)>();
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    identities.Add((reader.GetString(0), reader.GetString(1)));
            foreach (var (column, sequence) in identities)
            {
                await using var advance = new NpgsqlCommand(
                    $"SELECT setval($1::regclass, m) FROM (SELECT max({PostgresSyntax.QuoteIdentifier(column)})::bigint AS m FROM {TargetName(plan)}) x " +
                    "WHERE m >= COALESCE(pg_sequence_last_value($1::regclass), (SELECT seqstart FROM pg_sequence WHERE seqrelid = $1::regclass))", target);
                advance.Parameters.AddWithValue(sequence);
                await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Exception Translate(Exception error) => error is NpgsqlException e ? _target.Translate(e) : error;

    private sealed class Writer(NpgsqlConnection target, MigrationTask task) : IChunkWriter
    {
        public async Task<(long Rows, List<ConflictRecord> Conflicts)> WriteAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer data, CancellationToken cancellationToken)
        {
            var conflicts = new List<ConflictRecord>();
            var columns = string.Join(", ", plan.Transfers.Select(t => PostgresSyntax.QuoteIdentifier(t.Column.Name)));
            await using var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresControlSchema.LockTaskAsync(target, transaction, task.OmsKey, exclusive: false, cancellationToken).ConfigureAwait(false);
            long loaded = data.Rows;
            if (data.Rows > 0)
            {
                var ignore = task.NonEmptyTarget == NonEmptyTargetAction.Ignore;
                var into = ignore ? await StageAsync(plan, columns, transaction, cancellationToken).ConfigureAwait(false) : TargetName(plan);
                await using (var copy = await target.BeginRawBinaryCopyAsync($"COPY {into} ({columns}) FROM STDIN (FORMAT binary)", cancellationToken).ConfigureAwait(false))
                {
                    await copy.WriteAsync(data.Written, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(PostgresCopyBuffer.Trailer, cancellationToken).ConfigureAwait(false);
                }
                if (ignore)
                {
                    conflicts.AddRange(await InsertKeepingTargetRowsAsync(plan, columns, into, transaction, cancellationToken).ConfigureAwait(false));
                    loaded -= conflicts.Count;
                }
            }
            await using (var done = new NpgsqlCommand(
                "INSERT INTO oms.full_chunks (task, source_table, chunk_no, rows_loaded) VALUES ($1, $2, $3, $4)", target, transaction))
            {
                done.Parameters.AddWithValue(task.OmsKey);
                done.Parameters.AddWithValue(plan.Mapping.Source);
                done.Parameters.AddWithValue(chunk.Number);
                done.Parameters.AddWithValue(loaded);
                await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (loaded, conflicts);
        }

        private async Task<string> StageAsync(TableCopyPlan plan, string columns, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            const string stage = "oms_chunk_stage";
            await using var create = new NpgsqlCommand(
                $"DROP TABLE IF EXISTS pg_temp.{stage}; CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {columns} FROM {TargetName(plan)} WITH NO DATA",
                target, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return "pg_temp." + stage;
        }

        // Inserts the staged rows that collide with no target row; returns the others with the target row kept in their place.
        private async Task<List<ConflictRecord>> InsertKeepingTargetRowsAsync(TableCopyPlan plan, string columns, string stage, NpgsqlTransaction transaction,
            CancellationToken cancellationToken)
        {
            var key = plan.Source.RowKey?.Columns.Select(c => PostgresSyntax.QuoteIdentifier(c.Name)).ToList();
            var records = new List<ConflictRecord>();
            if (key is null)
            {
                await using var insert = new NpgsqlCommand($"INSERT INTO {TargetName(plan)} ({columns}) SELECT {columns} FROM {stage} ON CONFLICT DO NOTHING", target, transaction);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return records;
            }
            var keyList = string.Join(", ", key);
            var sql = $"""
                WITH inserted AS (INSERT INTO {TargetName(plan)} ({columns}) SELECT {columns} FROM {stage} ON CONFLICT DO NOTHING RETURNING {keyList})
                SELECT row_to_json(s)::text, (SELECT row_to_json(t)::text FROM {TargetName(plan)} t WHERE ({string.Join(", ", key.Select(k => "t." + k))}) = ({string.Join(", ", key.Select(k => "s." + k))}))
                FROM {stage} s WHERE ({string.Join(", ", key.Select(k => "s." + k))}) NOT IN (SELECT {keyList} FROM inserted)
                """;
            await using var command = new NpgsqlCommand(sql, target, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var source = reader.GetString(0);
                using var row = JsonDocument.Parse(source);
                records.Add(new ConflictRecord
                {
                    Task = task.Name,
                    Direction = Direction.Forward,
                    Table = plan.Mapping.Target,
                    Key = JsonSerializer.Serialize(plan.Source.RowKey!.Columns.ToDictionary(c => c.Name,
                        c => row.RootElement.TryGetProperty(c.Name, out var v) ? v.ToString() : null)),
                    Type = ConflictType.InsertExists,
                    SourceAfter = source,
                    TargetRow = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Policy = ConflictPolicy.Ignore,
                    Outcome = "KeptTarget",
                });
            }
            return records;
        }

        public ValueTask DisposeAsync() => target.DisposeAsync();
    }
}
