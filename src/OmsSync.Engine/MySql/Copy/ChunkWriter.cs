using OmsSync.Engine.FullLoad;
using OmsSync.Engine.MySql.Schema;
using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>
/// Loads one chunk into the target with LOAD DATA LOCAL and records the chunk as done in the same
/// target transaction, so after a crash a chunk is either wholly in (and skipped on resume) or not at all.
/// </summary>
internal sealed class ChunkWriter
{
    private readonly string _task;
    private readonly string _omsKey;
    private readonly NonEmptyTargetAction _nonEmpty;
    private readonly bool _bulk;

    /// <param name="bulk">False when the target refuses LOAD DATA LOCAL: rows go in as multi-row INSERTs.</param>
    public ChunkWriter(MigrationTask task, bool bulk)
    {
        _task = task.Name;
        _omsKey = task.OmsKey;
        _nonEmpty = task.NonEmptyTarget;
        _bulk = bulk;
    }

    /// <summary>Returns the rows written and any conflicts met (rows kept on the target under -NonEmptyTarget Ignore).</summary>
    public async Task<(long Rows, List<ConflictRecord> Conflicts)> WriteAsync(MySqlConnection target, MySqlConnection? source,
        TableCopyPlan plan, Chunk chunk, LoadDataEncoder data, CancellationToken cancellationToken)
    {
        var conflicts = new List<ConflictRecord>();
        await using var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (_nonEmpty == NonEmptyTargetAction.Ignore && source is not null)
            conflicts.AddRange(await FindExistingAsync(target, transaction, source, plan, chunk, cancellationToken).ConfigureAwait(false));

        long loaded = 0;
        if (data.Rows > 0 && !_bulk)
        {
            foreach (var sql in InsertStatementBuilder.Build(plan, data.Written, _nonEmpty == NonEmptyTargetAction.Ignore))
            {
                await using var insert = new MySqlCommand(sql, target, transaction);
                loaded += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else if (data.Rows > 0)
        {
            var loader = new MySqlBulkLoader(target)
            {
                Local = true,
                TableName = plan.TargetName,
                CharacterSet = "binary",
                FieldTerminator = "\t",
                LineTerminator = "\n",
                EscapeCharacter = '\\',
                NumberOfLinesToSkip = 0,
                ConflictOption = _nonEmpty == NonEmptyTargetAction.Ignore ? MySqlBulkLoaderConflictOption.Ignore : MySqlBulkLoaderConflictOption.None,
                SourceStream = data.AsStream(),
            };
            for (var i = 0; i < plan.Transfers.Count; i++)
            {
                var t = plan.Transfers[i];
                if (t.ViaVariable)
                {
                    loader.Columns.Add($"@v{i}");
                    loader.Expressions.Add($"{MySqlSyntax.QuoteIdentifier(t.Column.Name)} = {string.Format(t.AssignExpression!, $"@v{i}")}");
                }
                else
                {
                    loader.Columns.Add(MySqlSyntax.QuoteIdentifier(t.Column.Name));
                }
            }
            loaded = await loader.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_nonEmpty == NonEmptyTargetAction.Ignore && loaded + conflicts.Count < data.Rows)
            conflicts.AddRange(await SkippedByUniqueKeysAsync(target, transaction, plan, cancellationToken).ConfigureAwait(false));

        await using (var done = new MySqlCommand(
            $"INSERT INTO `{OmsControlSchema.Database}`.`full_chunks`(task, source_table, chunk_no, rows_loaded) VALUES (@t, @s, @n, @r)",
            target, transaction))
        {
            done.Parameters.AddWithValue("@t", _omsKey);
            done.Parameters.AddWithValue("@s", plan.Mapping.Source);
            done.Parameters.AddWithValue("@n", chunk.Number);
            done.Parameters.AddWithValue("@r", loaded);
            await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (loaded, conflicts);
    }

    // Rows of this chunk's key range that the target holds already: LOAD DATA IGNORE will keep them, we record them.
    private async Task<List<ConflictRecord>> FindExistingAsync(MySqlConnection target, MySqlTransaction transaction, MySqlConnection source,
        TableCopyPlan plan, Chunk chunk, CancellationToken cancellationToken)
    {
        var records = new List<ConflictRecord>();
        if (plan.Key is not { } key) return records;
        var keyColumns = key.Columns;
        // The condition text is the same whichever command holds its parameters, so build it once unbound.
        var targetRows = await RowText.ReadAsync(target, transaction, plan.Columns, plan.TargetName, plan.KeyRange(chunk, new MySqlCommand()),
            command => plan.KeyRange(chunk, command), cancellationToken).ConfigureAwait(false);
        if (targetRows.Count == 0) return records;
        foreach (var targetRow in targetRows)
        {
            var keyValues = keyColumns.Select(k => targetRow.GetValueOrDefault(k.Name)).ToList();
            var condition = string.Join(" AND ", keyColumns.Select((k, i) => $"{RowText.Expression(k)} <=> @k{i}"));
            var sourceRows = await RowText.ReadAsync(source, null, plan.Columns, plan.SourceName, condition,
                command => { for (var i = 0; i < keyValues.Count; i++) command.Parameters.AddWithValue($"@k{i}", keyValues[i]); },
                cancellationToken).ConfigureAwait(false);
            if (sourceRows.Count == 0) continue; // an extra target row, no collision
            records.Add(new ConflictRecord
            {
                Task = _task,
                Direction = Direction.Forward,
                Table = plan.Mapping.Target,
                Key = RowText.KeyJson(keyColumns, keyValues),
                Type = ConflictType.InsertExists,
                SourceAfter = RowText.Json(sourceRows[0]),
                TargetRow = RowText.Json(targetRow),
                Policy = ConflictPolicy.Ignore,
                Outcome = "KeptTarget",
            });
        }
        return records;
    }

    // Rows skipped because of a unique key other than the chunk key: the server's warnings name them.
    private async Task<List<ConflictRecord>> SkippedByUniqueKeysAsync(MySqlConnection target, MySqlTransaction transaction,
        TableCopyPlan plan, CancellationToken cancellationToken)
    {
        var records = new List<ConflictRecord>();
        await using var command = new MySqlCommand("SHOW WARNINGS", target, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetInt32(1) != 1062) continue; // ER_DUP_ENTRY
            records.Add(new ConflictRecord
            {
                Task = _task,
                Direction = Direction.Forward,
                Table = plan.Mapping.Target,
                Key = System.Text.Json.JsonSerializer.Serialize(new { duplicate = reader.GetString(2) }),
                Type = ConflictType.InsertExists,
                Policy = ConflictPolicy.Ignore,
                Outcome = "KeptTarget",
            });
        }
        return records;
    }
}
