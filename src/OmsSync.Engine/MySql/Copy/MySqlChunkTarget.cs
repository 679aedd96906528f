using MySqlConnector;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>
/// A MySQL-family server as the target of full migration: chunks go in with LOAD DATA LOCAL (multi-row INSERT when
/// the server refuses it) through <see cref="ChunkWriter"/>, marked in `oms`.`full_chunks`.
/// </summary>
internal sealed class MySqlChunkTarget : IChunkTarget
{
    private readonly MySqlEndpoint _target;
    private readonly MigrationTask _task;
    private readonly MySqlEndpoint? _lookup;
    private bool? _bulk;

    /// <param name="lookup">The source, when it is MySQL-family too: under -NonEmptyTarget Ignore, kept rows are recorded with their source image.</param>
    /// <param name="bulk">Null detects whether the target allows LOAD DATA LOCAL; false forces the INSERT path.</param>
    public MySqlChunkTarget(MySqlEndpoint target, MigrationTask task, MySqlEndpoint? lookup, bool? bulk = null)
    {
        _target = target;
        _task = task;
        _lookup = lookup;
        _bulk = bulk;
    }

    public async Task<IReadOnlyList<(string Table, int Chunk, long Rows)>> LoadedChunksAsync(CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await OmsControlSchema.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        if (_bulk is null)
        {
            await using var infile = new MySqlCommand("SELECT @@GLOBAL.local_infile", target);
            _bulk = Convert.ToInt64(await infile.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L) == 1;
        }
        await using var command = new MySqlCommand(
            // Locking, so a chunk a killed worker was committing is waited for, not loaded twice.
            $"SELECT source_table, chunk_no, rows_loaded FROM `{OmsControlSchema.Database}`.`full_chunks` WHERE task = @t LOCK IN SHARE MODE", target);
        command.Parameters.AddWithValue("@t", _task.OmsKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var done = new List<(string, int, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            done.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        return done;
    }

    public async Task ForgetChunksAsync(string sourceTable, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand($"DELETE FROM `{OmsControlSchema.Database}`.`full_chunks` WHERE task = @t AND source_table = @s", target);
        command.Parameters.AddWithValue("@t", _task.OmsKey);
        command.Parameters.AddWithValue("@s", sourceTable);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RefuseNonEmptyAsync(TableCopyPlan plan, CancellationToken cancellationToken)
    {
        await using var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand($"SELECT 1 FROM {plan.TargetName} LIMIT 1", target);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            throw NonEmpty(plan);
    }

    public static OmsException NonEmpty(TableCopyPlan plan) =>
        new("TargetTableNotEmpty", OmsErrorKind.InvalidState, plan.Mapping.Target,
            $"Target table '{plan.Mapping.Target}' already holds rows and the task's -NonEmptyTarget is Stop. " +
            "Empty the table, or set Set-OmsTask -NonEmptyTarget Ignore to keep the existing rows and record the collisions.");

    public async Task<IChunkWriter> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var target = await _target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PrepareWriterSessionAsync(target, cancellationToken).ConfigureAwait(false);
        var lookup = _task.NonEmptyTarget == NonEmptyTargetAction.Ignore && _lookup is not null
            ? await _lookup.OpenAsync(cancellationToken).ConfigureAwait(false) : null;
        return new Writer(new ChunkWriter(_task, _bulk ?? false), target, lookup);
    }

    public Task FinishAsync(IReadOnlyList<TableCopyPlan> plans, CancellationToken cancellationToken) => Task.CompletedTask;

    public Exception Translate(Exception error) => error is MySqlException m ? _target.Translate(m) : error;

    /// <summary>Bulk-load session settings: no binlog for the copy unless the task asks for it (needs SUPER or BINLOG ADMIN).</summary>
    private async Task PrepareWriterSessionAsync(MySqlConnection target, CancellationToken cancellationToken)
    {
        await using (var checks = new MySqlCommand("SET SESSION foreign_key_checks = 0", target))
            await checks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (_task.FullLoadBinlog) return;
        try
        {
            await using var binlog = new MySqlCommand("SET SESSION sql_log_bin = 0", target);
            await binlog.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException)
        {
            // Without the privilege the copy is simply logged, as with FullLoadBinlog on.
        }
    }

    public ChunkBuffer NewBuffer() => new LoadDataEncoder();

    private sealed class Writer(ChunkWriter writer, MySqlConnection target, MySqlConnection? lookup) : IChunkWriter
    {
        public Task<(long Rows, List<ConflictRecord> Conflicts)> WriteAsync(TableCopyPlan plan, Chunk chunk, ChunkBuffer data, CancellationToken cancellationToken) =>
            writer.WriteAsync(target, lookup, plan, chunk, (LoadDataEncoder)data, cancellationToken); // the buffer came from NewBuffer

        public async ValueTask DisposeAsync()
        {
            await target.DisposeAsync().ConfigureAwait(false);
            if (lookup is not null) await lookup.DisposeAsync().ConfigureAwait(false);
        }
    }
}
